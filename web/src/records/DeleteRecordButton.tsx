/** Deletes one record after a confirmation step. */
import { useState } from 'react';
import { errorMessage, pb } from '../lib/api';

export function DeleteRecordButton({ collection, id, onDeleted }: { collection: string; id: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const run = async () => {
    try { await pb.collection(collection).delete(id); onDeleted(); } catch (err) { setError(errorMessage(err)); }
  };
  return (
    <div className="rec-inline-row">
      {!confirming
        ? <button type="button" className="danger" onClick={() => setConfirming(true)}>Delete record</button>
        : <>
            <span className="error">Delete this record?</span>
            <button type="button" className="danger" onClick={() => void run()}>Confirm delete</button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Cancel</button>
          </>}
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}
