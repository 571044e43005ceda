/**
 * Who the playground acts as: a guest, the signed-in superuser, or a record of any auth
 * collection. Choosing a record asks the server for an impersonation token
 * (POST /api/collections/{c}/impersonate/{id}, superusers only); the playground's
 * requests then carry that token, so the collection's rules apply as they would to
 * that user.
 */
import { useEffect, useId, useState } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { UserRoundCheck } from 'lucide-react';
import { errorMessage, pb } from '../lib/api';
import { Button } from '../ui/Button';
import type { Identity } from './acting-client';
import { Control } from './Control';

const recordLabel = (r: RecordModel) => String(r.email || r.username || r.name || r.id);

export function IdentityPicker({ collections, onChange }: { collections: CollectionModel[]; onChange: (who: Identity) => void }) {
  const id = useId();
  const authCollections = collections.filter((c) => c.type === 'auth');
  // '' = guest, '@superuser' = the signed-in superuser, else an auth collection's name.
  const [kind, setKind] = useState('');
  const [query, setQuery] = useState('');
  const [records, setRecords] = useState<RecordModel[]>([]);
  const [recordId, setRecordId] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const isAuth = kind !== '' && kind !== '@superuser';

  useEffect(() => {
    if (!isAuth) return;
    let stale = false;
    const q = query.trim();
    const filter = q ? pb.filter('id = {:q} || email ~ {:q}', { q }) : '';
    // A collection without an email field (or hidden) answers 400 to the email filter: retry by id only.
    pb.collection(kind).getList(1, 50, { filter }).catch(() => pb.collection(kind).getList(1, 50, { filter: q ? pb.filter('id ~ {:q}', { q }) : '' })).then(
      (list) => { if (!stale) { setRecords(list.items); setError(''); } },
      (err: unknown) => { if (!stale) setError(errorMessage(err)); },
    );
    return () => { stale = true; };
  }, [kind, query, isAuth]);

  const choose = (value: string) => {
    setKind(value);
    setRecordId('');
    setRecords([]);
    setError('');
    if (value === '') onChange({ kind: 'guest' });
    else if (value === '@superuser') onChange({ kind: 'superuser', label: String(pb.authStore.record?.email ?? '') });
    // Until a record is chosen the playground acts as a guest, never as the previous identity.
    else onChange({ kind: 'guest' });
  };

  const impersonate = async () => {
    const record = records.find((r) => r.id === recordId);
    if (!record) return;
    setBusy(true);
    setError('');
    try {
      const client = await pb.collection(kind).impersonate(record.id, 0);
      onChange({ kind: 'record', collection: kind, id: record.id, label: recordLabel(record), token: client.authStore.token });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="pg-identity-picker">
      <legend>Act as</legend>
      <div className="pg-row">
        <Control id={`${id}-kind`} label="Identity">
          <select id={`${id}-kind`} value={kind} onChange={(e) => choose(e.target.value)}>
            <option value="">Guest (no token)</option>
            <option value="@superuser">Superuser (me: rules bypassed)</option>
            {authCollections.map((c) => <option key={c.id} value={c.name}>A record of {c.name}</option>)}
          </select>
        </Control>
        {isAuth && <>
          <Control id={`${id}-q`} label="Find a record (id or email)">
            <input id={`${id}-q`} value={query} onChange={(e) => setQuery(e.target.value)} />
          </Control>
          <Control id={`${id}-record`} label="Record">
            <select id={`${id}-record`} value={recordId} onChange={(e) => setRecordId(e.target.value)}>
              <option value="">{records.length ? 'Choose…' : 'No records'}</option>
              {records.map((r) => <option key={r.id} value={r.id}>{recordLabel(r)}{recordLabel(r) !== r.id ? ` (${r.id})` : ''}</option>)}
            </select>
          </Control>
          <Button variant="secondary" icon={UserRoundCheck} disabled={!recordId || busy} onClick={() => void impersonate()}>Act as this record</Button>
        </>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
    </fieldset>
  );
}
