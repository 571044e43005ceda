/** Deleting a collection: the user types its name to confirm (records and files go with it). */
import { useState, type FormEvent } from 'react';
import { errorMessage, pb } from '../lib/api';
import { Dialog, DialogActions } from '../ui/Dialog';

export function DeleteCollectionDialog({ name, onDeleted, onCancel }: { name: string; onDeleted: () => void; onCancel: () => void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await pb.collections.delete(name);
      onDeleted();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Delete collection ${name}`} onClose={onCancel} tone="danger">
      <form onSubmit={submit}>
        <p>All records and files of <strong>{name}</strong> will be deleted. This cannot be undone.</p>
        <label>
          Type the collection name to confirm
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <DialogActions>
          <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
          <button type="submit" className="danger" disabled={busy || typed !== name}>Delete collection</button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
