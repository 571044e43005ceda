/**
 * Restoring replaces every record, file, setting and superuser with the backup's: the
 * dialog says so and enables its button only once the backup's name is typed exactly.
 */
import { useId, useState, type FormEvent } from 'react';
import { ArchiveRestore } from 'lucide-react';
import { Button } from '../ui/Button';
import { Dialog, DialogActions } from '../ui/Dialog';

export function RestoreDialog({ backupKey, busy, onRestore, onClose }: { backupKey: string; busy: boolean; onRestore: () => void; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed === backupKey) onRestore();
  };
  return (
    <Dialog title="Restore this backup?" tone="danger" onClose={onClose}>
      <form onSubmit={submit} aria-label="Restore backup">
        <p>
          All current data — records, uploaded files, collections, settings and superusers — is replaced by the backup
          <strong> {backupKey}</strong>. The backup is verified first; if anything fails, nothing changes.
          Afterwards you may have to sign in again with a superuser of the backup.
        </p>
        <div className="form-field">
          <label htmlFor={id}>Type <code>{backupKey}</code> to confirm</label>
          <input id={id} autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <DialogActions>
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" icon={ArchiveRestore} disabled={busy || typed !== backupKey}>{busy ? 'Restoring…' : 'Restore backup'}</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
