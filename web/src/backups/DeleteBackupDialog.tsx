/** Deleting a backup cannot be undone: a confirmation naming it. */
import { Trash2 } from 'lucide-react';
import { Button } from '../ui/Button';
import { Dialog, DialogActions } from '../ui/Dialog';

export function DeleteBackupDialog({ backupKey, onDelete, onClose }: { backupKey: string; onDelete: () => void; onClose: () => void }) {
  return (
    <Dialog title="Delete this backup?" tone="danger" onClose={onClose}>
      <p><strong>{backupKey}</strong> is deleted for good.</p>
      <DialogActions>
        <Button variant="secondary" onClick={onClose}>Cancel</Button>
        <Button variant="danger" icon={Trash2} onClick={onDelete}>Delete backup</Button>
      </DialogActions>
    </Dialog>
  );
}
