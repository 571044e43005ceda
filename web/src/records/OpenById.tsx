/** Jump straight to a record by its id. */
import { useState } from 'react';
import { navigate } from '../lib/router';
import { recordPath } from './model';

export function OpenById({ collection }: { collection: string }) {
  const [id, setId] = useState('');
  return (
    <form className="rec-open" onSubmit={(e) => { e.preventDefault(); if (id.trim()) navigate(recordPath(collection, id.trim())); }}>
      <label className="rec-inline">
        Record id
        <input value={id} onChange={(e) => setId(e.target.value)} spellCheck={false} />
      </label>
      <button type="submit" className="secondary">Open</button>
    </form>
  );
}
