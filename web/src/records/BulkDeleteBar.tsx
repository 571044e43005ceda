/** Deleting the selected rows, behind an explicit confirmation step; failures are reported as a toast. */
import { useState } from 'react';
import { Trash2 } from 'lucide-react';
import { errorMessage, pb } from '../lib/api';
import { Button } from '../ui/Button';
import { useToast } from '../ui/toast';

export function BulkDeleteBar({ collection, ids, onDone }: { collection: string; ids: string[]; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  if (ids.length === 0) return null;

  const run = async () => {
    setBusy(true);
    toast.clear();
    const failed: string[] = [];
    for (const id of ids) {
      try { await pb.collection(collection).delete(id); } catch (err) { failed.push(`${id}: ${errorMessage(err)}`); }
    }
    setBusy(false);
    setConfirming(false);
    const deleted = ids.length - failed.length;
    if (deleted) toast.success(`Deleted ${deleted} record${deleted > 1 ? 's' : ''}.`);
    if (failed.length) toast.error(`Not deleted: ${failed.join('; ')}`);
    onDone();
  };

  return (
    <div className={`rec-bulk${confirming ? ' confirming' : ''}`} role="region" aria-label="Selected records">
      <span className="rec-bulk-count">{ids.length} selected</span>
      {!confirming
        ? <Button variant="danger-ghost" small icon={Trash2} onClick={() => setConfirming(true)}>Delete selected</Button>
        : <>
            <span className="error">Delete {ids.length} record{ids.length > 1 ? 's' : ''}? This cannot be undone.</span>
            <Button variant="danger" small disabled={busy} onClick={() => void run()}>Confirm delete</Button>
            <Button variant="secondary" small disabled={busy} onClick={() => setConfirming(false)}>Cancel</Button>
          </>}
    </div>
  );
}
