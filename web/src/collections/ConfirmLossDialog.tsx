/** Before a save that destroys data: what will be lost, and an explicit confirmation. */
import type { Loss } from './data-loss';
import { Dialog, DialogActions } from '../ui/Dialog';

export function ConfirmLossDialog({ losses, busy, onConfirm, onCancel }: { losses: Loss[]; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <Dialog title="This change deletes data" onClose={onCancel} tone="danger">
      <p>Saving will permanently delete:</p>
      <ul className="col-loss">
        {losses.map((l, i) => <li key={i}><strong>{l.field}</strong>: {l.detail}</li>)}
      </ul>
      <p className="muted">This cannot be undone.</p>
      <DialogActions>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>Delete data and save</button>
      </DialogActions>
    </Dialog>
  );
}
