/** Jump straight to a record by its id. */
import { useState } from 'react';
import { ArrowRight } from 'lucide-react';
import { navigate } from '../lib/router';
import { Button } from '../ui/Button';
import { recordPath } from './model';

export function OpenById({ collection }: { collection: string }) {
  const [id, setId] = useState('');
  return (
    <form className="rec-open" onSubmit={(e) => { e.preventDefault(); if (id.trim()) navigate(recordPath(collection, id.trim())); }}>
      <label className="rec-inline">
        <span className="sr-only">Record id</span>
        <input value={id} onChange={(e) => setId(e.target.value)} spellCheck={false} placeholder="Record id" className="mono" />
      </label>
      <Button type="submit" variant="secondary" icon={ArrowRight}>Open</Button>
    </form>
  );
}
