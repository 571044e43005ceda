/** Settings → Superusers: the `_superusers` records; create and delete (the API refuses deleting the last one). */
import { useCallback, useEffect, useState } from 'react';
import type { RecordModel } from 'pocketbase';
import { errorMessage, pb } from '../../lib/api';
import { Notice } from '../../components/Notice';
import { NewSuperuserForm } from './NewSuperuserForm';

export function SuperusersSettings() {
  const [list, setList] = useState<RecordModel[]>();
  const [notice, setNotice] = useState<{ success?: string; error?: string }>({});

  const load = useCallback(() => {
    pb.collection('_superusers').getFullList({ sort: 'email' }).then(setList, (err: unknown) => setNotice({ error: errorMessage(err) }));
  }, []);
  useEffect(load, [load]);

  const remove = async (user: RecordModel) => {
    if (!window.confirm(`Delete the superuser ${String(user.email)}?`)) return;
    setNotice({});
    try {
      await pb.collection('_superusers').delete(user.id);
      setNotice({ success: `Deleted ${String(user.email)}.` });
      load();
    } catch (err) {
      setNotice({ error: errorMessage(err) });
    }
  };

  const me = pb.authStore.record?.id;
  return (
    <>
      <section className="card settings-form" aria-labelledby="superusers-title">
        <h2 id="superusers-title">Superusers</h2>
        <Notice {...notice} />
        {!list ? <p>Loading…</p> : (
          <ul className="list superuser-list">
            {list.map((u) => (
              <li key={u.id}>
                <span className="superuser-email">{String(u.email)}</span>
                {u.id === me && <span className="muted"> (you)</span>}
                <button type="button" className="link danger-link" onClick={() => void remove(u)} aria-label={`Delete ${String(u.email)}`}>Delete</button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <NewSuperuserForm onCreated={(email) => { setNotice({ success: `Created ${email}.` }); load(); }} />
    </>
  );
}
