/** Deleting the selected rows, behind an explicit confirmation step. */
import { useState } from 'react';
import { errorMessage, pb } from '../lib/api';

export function BulkDeleteBar({ collection, ids, onDone }: { collection: string; ids: string[]; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  if (ids.length === 0) return null;

  const run = async () => {
    setBusy(true);
    setError('');
    const failed: string[] = [];
    for (const id of ids) {
      try { await pb.collection(collection).delete(id); } catch (err) { failed.push(`${id}: ${errorMessage(err)}`); }
    }
    setBusy(false);
    setConfirming(false);
    if (failed.length) setError(`Not deleted: ${failed.join('; ')}`);
    onDone();
  };

  return (
    <div className="rec-bulk" role="region" aria-label="Selected records">
      <span>{ids.length} selected</span>
      {!confirming
        ? <button type="button" className="danger" onClick={() => setConfirming(true)}>Delete selected</button>
        : <>
            <span className="error">Delete {ids.length} record{ids.length > 1 ? 's' : ''}? This cannot be undone.</span>
            <button type="button" className="danger" disabled={busy} onClick={() => void run()}>Confirm delete</button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>Cancel</button>
          </>}
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}
