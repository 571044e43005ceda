/**
 * One record (#/collections/<name>/records/<id>, or `new`): the form, delete, and
 * impersonation for auth records.
 */
import { useEffect, useState } from 'react';
import type { RecordModel } from 'pocketbase';
import '../../records/records.css';
import { errorMessage, pb } from '../../lib/api';
import { navigate } from '../../lib/router';
import { DeleteRecordButton } from '../../records/DeleteRecordButton';
import { ImpersonatePanel } from '../../records/ImpersonatePanel';
import { RecordForm } from '../../records/RecordForm';
import { recordsPath } from '../../records/model';
import { useCollection } from '../../records/useCollection';
import { useFileToken } from '../../records/useFileToken';

export function RecordPage({ name, id }: { name: string; id: string }) {
  const isNew = id === 'new';
  const { collection, error: loadError } = useCollection(name);
  const fileToken = useFileToken(collection);
  const [record, setRecord] = useState<RecordModel | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (isNew) return;
    let live = true;
    setRecord(null);
    pb.collection(name).getOne(id).then(
      (r) => { if (live) { setRecord(r); setError(''); } },
      (err) => { if (live) setError(errorMessage(err)); },
    );
    return () => { live = false; };
  }, [name, id, isNew]);

  const back = () => navigate(recordsPath(name));
  const ready = collection && (isNew || record);

  return (
    <section className="rec-page rec-record">
      <header className="rec-header">
        <p className="muted"><a href="#/collections">Collections</a> / <a href={`#${recordsPath(name)}`}>{name}</a></p>
        <h1>{isNew ? `New ${name} record` : `${name} record ${id}`}</h1>
      </header>
      {(loadError || error) && <p role="alert" className="error">{loadError || error}</p>}
      {ready && <RecordForm key={record?.id ?? 'new'} collection={collection} record={record} fileToken={fileToken} onSaved={back} />}
      {!isNew && record && (
        <div className="rec-side">
          {collection?.type === 'auth' && <ImpersonatePanel collection={name} id={record.id} />}
          <DeleteRecordButton collection={name} id={record.id} onDeleted={back} />
        </div>
      )}
    </section>
  );
}
