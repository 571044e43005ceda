/**
 * The Backups screen (#/backups): the backups with size, date and verification status;
 * create (with an optional name), upload (a Galley or PocketBase backup zip), download
 * (through a superuser file token), delete, restore with a typed confirmation, and the
 * backups settings. A restore replaces the superusers too: when the session does not
 * survive it, the dashboard goes to the sign-in page.
 */
import { useRef, useState, type ChangeEvent } from 'react';
import { Archive, Plus, RefreshCw, Settings2, Upload } from 'lucide-react';
import '../../backups/backups.css';
import { errorMessage, fieldErrors, pb } from '../../lib/api';
import { navigate } from '../../lib/router';
import { Notice } from '../../components/Notice';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { useToast } from '../../ui/toast';
import { useBackups } from '../../backups/useBackups';
import { BackupsTable } from '../../backups/BackupsTable';
import { CreateBackupDialog } from '../../backups/CreateBackupDialog';
import { RestoreDialog } from '../../backups/RestoreDialog';
import { DeleteBackupDialog } from '../../backups/DeleteBackupDialog';
import { BackupsSettingsDialog } from '../../backups/BackupsSettingsDialog';

type Open = { kind: 'create' } | { kind: 'settings' } | { kind: 'restore'; key: string } | { kind: 'delete'; key: string } | null;

export function BackupsPage() {
  const { items, error, reload } = useBackups();
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState<'' | 'create' | 'upload' | 'restore' | 'delete'>('');
  const [createError, setCreateError] = useState<string>();
  const upload = useRef<HTMLInputElement>(null);
  const toast = useToast();

  /** Runs one action: its outcome is a toast; the list is read again after it. */
  const act = async (kind: Exclude<typeof busy, ''>, work: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(kind);
    toast.clear();
    try {
      await work();
      toast.success(done);
      return true;
    } catch (err) {
      toast.error(errorMessage(err));
      return false;
    } finally {
      setBusy('');
      reload();
    }
  };

  const create = async (name: string) => {
    setCreateError(undefined);
    setBusy('create');
    toast.clear();
    try {
      await pb.backups.create(name);
      toast.success(name ? `Created ${name}.` : 'Created a backup.');
      setOpen(null);
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.name) setCreateError(fields.name);
      else toast.error(errorMessage(err));
    } finally {
      setBusy('');
      reload();
    }
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) await act('upload', () => pb.backups.upload({ file }), `Uploaded ${file.name}.`);
  };

  const download = async (key: string) => {
    try {
      const token = await pb.files.getToken();
      window.location.href = pb.backups.getDownloadURL(token, key);
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const restore = async (key: string) => {
    const ok = await act('restore', () => pb.backups.restore(key), `Restored ${key}.`);
    if (!ok) return;
    setOpen(null);
    // The restored data has its own superusers: this session may not exist there.
    try {
      await pb.collection('_superusers').authRefresh();
    } catch {
      pb.authStore.clear();
      navigate('/login');
    }
  };

  const remove = async (key: string) => {
    setOpen(null);
    await act('delete', () => pb.backups.delete(key), `Deleted ${key}.`);
  };

  return (
    <section className="backups-page">
      <header className="backups-header">
        <h1>Backups</h1>
        <div className="backups-header-actions">
          <Button variant="secondary" icon={RefreshCw} onClick={reload}>Refresh</Button>
          <Button variant="secondary" icon={Settings2} onClick={() => setOpen({ kind: 'settings' })}>Backups settings</Button>
          <Button variant="secondary" icon={Upload} disabled={busy !== ''} onClick={() => upload.current?.click()}>{busy === 'upload' ? 'Uploading…' : 'Upload'}</Button>
          <input ref={upload} type="file" accept=".zip,application/zip" className="backups-upload-input" aria-label="Backup file to upload" tabIndex={-1} onChange={(e) => void onFile(e)} />
          <Button icon={Plus} disabled={busy !== ''} onClick={() => { setCreateError(undefined); setOpen({ kind: 'create' }); }}>Create backup</Button>
        </div>
      </header>
      <Notice error={error} />
      {items === undefined ? (!error && <p className="muted">Loading…</p>) : items.length === 0 ? (
        <div className="card">
          <EmptyState icon={Archive} title="No backups yet.">
            <p>Create one, upload a Galley or PocketBase backup, or set a schedule in the backups settings.</p>
          </EmptyState>
        </div>
      ) : (
        <div aria-busy={busy !== ''}>
          <BackupsTable items={items} busy={busy !== ''} onDownload={(key) => void download(key)}
            onRestore={(key) => setOpen({ kind: 'restore', key })} onDelete={(key) => setOpen({ kind: 'delete', key })} />
        </div>
      )}
      {open?.kind === 'create' && <CreateBackupDialog busy={busy === 'create'} error={createError} onCreate={(name) => void create(name)} onClose={() => setOpen(null)} />}
      {open?.kind === 'restore' && <RestoreDialog backupKey={open.key} busy={busy === 'restore'} onRestore={() => void restore(open.key)} onClose={() => setOpen(null)} />}
      {open?.kind === 'delete' && <DeleteBackupDialog backupKey={open.key} onDelete={() => void remove(open.key)} onClose={() => setOpen(null)} />}
      {open?.kind === 'settings' && <BackupsSettingsDialog onClose={() => { setOpen(null); reload(); }} />}
    </section>
  );
}
