/**
 * The collections panel beside the collection screens: a search box (`/` focuses it
 * when the screen has no other filter), the app's collections, the system ones apart
 * in a collapsible group, and the "new" links. Each collection opens its records; the
 * gear opens its schema.
 */
import { useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { Plus, Search, Settings2 } from 'lucide-react';
import { ButtonLink } from '../ui/Button';
import { collectionIcon } from './collection-types';
import './collection-list.css';

interface Props { items: CollectionModel[]; current?: string; error: string; shortcut?: boolean; heading?: 'h1' | 'h2' }

export function CollectionList({ items, current, error, shortcut = true, heading: Heading = 'h1' }: Props) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const shown = items.filter((c) => c.name.toLowerCase().includes(q));
  const mine = shown.filter((c) => !c.system);
  const system = shown.filter((c) => c.system);
  const currentIsSystem = system.some((c) => c.name === current);
  return (
    <aside className="col-sidebar" aria-label="Collections list">
      <Heading className="col-sidebar-title">Collections</Heading>
      <label className="col-search">
        <span className="sr-only">Search collections</span>
        <Search className="icon col-search-icon" aria-hidden="true" />
        <input type="search" placeholder="Search collections" value={query} onChange={(e) => setQuery(e.target.value)}
          data-shortcut={shortcut ? 'filter' : undefined} aria-keyshortcuts={shortcut ? '/' : undefined} />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <ul className="col-list">
        {mine.map((c) => <Item key={c.id} c={c} current={current} />)}
        {shown.length === 0 && <li className="muted col-none">No collections match.</li>}
      </ul>
      {system.length > 0 && (
        <details className="col-system" open={currentIsSystem || q !== '' ? true : undefined}>
          <summary>System ({system.length})</summary>
          <ul className="col-list">
            {system.map((c) => <Item key={c.id} c={c} current={current} />)}
          </ul>
        </details>
      )}
      <div className="col-new">
        <ButtonLink href="#/new-collection/base" icon={Plus}>New collection</ButtonLink>
        <ButtonLink variant="secondary" small href="#/new-collection/auth">New auth collection</ButtonLink>
        <ButtonLink variant="secondary" small href="#/new-collection/view">New view</ButtonLink>
      </div>
    </aside>
  );
}

function Item({ c, current }: { c: CollectionModel; current?: string }) {
  const Icon = collectionIcon(c.type);
  const name = encodeURIComponent(c.name);
  return (
    <li className={c.name === current ? 'col-item current' : 'col-item'}>
      <a className="col-item-link" href={`#/collections/${name}/records`} aria-current={c.name === current ? 'page' : undefined}>
        <Icon className="icon" aria-hidden="true" />
        <span className="col-item-name">{c.name}</span>
      </a>
      <a className="col-item-schema" href={`#/collections/${name}/schema`} aria-label={`Schema of ${c.name}`} title={`Schema of ${c.name}`}>
        <Settings2 className="icon" aria-hidden="true" />
      </a>
    </li>
  );
}
