/** The collections list (to be completed: create, edit, delete). */
import { useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { errorMessage, pb } from '../lib/api';

export function CollectionsPage() {
  const [items, setItems] = useState<CollectionModel[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    pb.collections.getFullList({ sort: 'name' }).then(setItems, (err) => setError(errorMessage(err)));
  }, []);
  return (
    <section>
      <h1>Collections</h1>
      {error && <p role="alert" className="error">{error}</p>}
      <ul className="list">
        {items.map((c) => <li key={c.id}><a href={`#/collections/${encodeURIComponent(c.name)}`}>{c.name}</a> <span className="muted">{c.type}</span></li>)}
      </ul>
    </section>
  );
}
