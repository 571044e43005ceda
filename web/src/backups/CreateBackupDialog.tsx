/** A new backup: an optional name (a-z 0-9 _ - ending in .zip; empty: the default name), taken and verified by the server. */
import { useState, type FormEvent } from 'react';
import { Plus } from 'lucide-react';
import { FormField } from '../components/FormField';
import { Button } from '../ui/Button';
import { Dialog, DialogActions } from '../ui/Dialog';

export function CreateBackupDialog({ busy, error, onCreate, onClose }: { busy: boolean; error?: string; onCreate: (name: string) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCreate(name.trim());
  };
  return (
    <Dialog title="Create a backup" onClose={onClose}>
      <form onSubmit={submit} aria-label="Create a backup" noValidate>
        <p className="muted">A consistent snapshot of the database and the uploaded files; the app keeps serving meanwhile. It is verified once written.</p>
        <FormField label="Name (optional)" value={name} placeholder="pb_backup_….zip" onChange={(e) => setName(e.target.value)}
          hint="Lowercase letters, digits, _ and -, ending in .zip. Empty: a name with the date." error={error} />
        <DialogActions>
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" icon={Plus} disabled={busy}>{busy ? 'Creating…' : 'Create backup'}</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
