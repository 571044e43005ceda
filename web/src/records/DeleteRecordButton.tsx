/** Deletes one record after confirming in a dialog; the outcome is a toast. */
import { useState } from 'react';
import { Trash2 } from 'lucide-react';
import { errorMessage, pb } from '../lib/api';
import { Button } from '../ui/Button';
import { Dialog, DialogActions } from '../ui/Dialog';
import { useToast } from '../ui/toast';

export function DeleteRecordButton({ collection, id, onDeleted }: { collection: string; id: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const run = async () => {
    setBusy(true);
    toast.clear();
    try {
      await pb.collection(collection).delete(id);
      toast.success(`Deleted record ${id}.`);
      onDeleted();
    } catch (err) {
      toast.error(errorMessage(err));
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <>
      <Button variant="danger-ghost" icon={Trash2} onClick={() => setConfirming(true)}>Delete record</Button>
      {confirming && (
        <Dialog title="Delete this record?" tone="danger" onClose={() => setConfirming(false)}>
          <p>The record <code>{id}</code> and its files will be deleted. This cannot be undone.</p>
          <DialogActions>
            <Button variant="secondary" onClick={() => setConfirming(false)}>Cancel</Button>
            <Button variant="danger" disabled={busy} onClick={() => void run()}>Confirm delete</Button>
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}
