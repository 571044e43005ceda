/** The collections sidebar: search, links to each collection's editor, and "new" buttons. */
import { useState } from 'react';
import type { CollectionModel } from 'pocketbase';

export function CollectionList({ items, current, error }: { items: CollectionModel[]; current?: string; error: string }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const shown = items.filter((c) => c.name.toLowerCase().includes(q));
  return (
    <aside className="col-sidebar" aria-label="Collections list">
      <h1>Collections</h1>
      <label>
        <span className="sr-only">Search collections</span>
        <input type="search" placeholder="Search collections" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <ul className="col-list">
        {shown.map((c) => (
          <li key={c.id}>
            <a href={`#/collections/${encodeURIComponent(c.name)}/schema`} aria-current={c.name === current ? 'page' : undefined}>{c.name}</a>
            <span className="muted">{c.type}</span>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">No collections match.</li>}
      </ul>
      <div className="col-new">
        <a className="col-button" href="#/new-collection/base">New collection</a>
        <a className="col-button secondary" href="#/new-collection/auth">New auth collection</a>
        <a className="col-button secondary" href="#/new-collection/view">New view</a>
      </div>
    </aside>
  );
}
