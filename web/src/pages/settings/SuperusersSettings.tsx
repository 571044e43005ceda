/** Settings → Superusers: the `_superusers` records; create and delete (the API refuses deleting the last one). */
import { useCallback, useEffect, useState } from 'react';
import type { RecordModel } from 'pocketbase';
import { Trash2, UserRound } from 'lucide-react';
import { errorMessage, pb } from '../../lib/api';
import { Notice } from '../../components/Notice';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { useToast } from '../../ui/toast';
import { NewSuperuserForm } from './NewSuperuserForm';

export function SuperusersSettings() {
  const [list, setList] = useState<RecordModel[]>();
  const [loadError, setLoadError] = useState('');
  const [deleting, setDeleting] = useState<RecordModel | null>(null);
  const toast = useToast();

  const load = useCallback(() => {
    pb.collection('_superusers').getFullList({ sort: 'email' }).then(setList, (err: unknown) => setLoadError(errorMessage(err)));
  }, []);
  useEffect(load, [load]);

  const remove = async (user: RecordModel) => {
    setDeleting(null);
    toast.clear();
    try {
      await pb.collection('_superusers').delete(user.id);
      toast.success(`Deleted ${String(user.email)}.`);
      load();
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const me = pb.authStore.record?.id;
  return (
    <>
      <section className="card settings-form" aria-labelledby="superusers-title">
        <h2 id="superusers-title">Superusers</h2>
        <Notice error={loadError} />
        {!list ? (!loadError && <p>Loading…</p>) : (
          <ul className="list superuser-list">
            {list.map((u) => (
              <li key={u.id}>
                <UserRound className="icon superuser-icon" aria-hidden="true" />
                <span className="superuser-email">{String(u.email)}</span>
                {u.id === me && <Badge tone="accent">you</Badge>}
                <Button variant="danger-ghost" small icon={Trash2} className="superuser-delete" onClick={() => setDeleting(u)} aria-label={`Delete ${String(u.email)}`}>Delete</Button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <NewSuperuserForm onCreated={(email) => { toast.success(`Created ${email}.`); load(); }} />
      {deleting && (
        <Dialog title="Delete superuser?" tone="danger" onClose={() => setDeleting(null)}>
          <p><strong>{String(deleting.email)}</strong> will no longer be able to sign in to the dashboard.</p>
          <DialogActions>
            <Button variant="secondary" onClick={() => setDeleting(null)}>Cancel</Button>
            <Button variant="danger" onClick={() => void remove(deleting)}>Delete superuser</Button>
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}
