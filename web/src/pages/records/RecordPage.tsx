/**
 * One record (#/collections/<name>/records/<id>, or `new`) beside the collections
 * panel: the form, delete (in the header), and impersonation for auth records.
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
import { CollectionsFrame } from '../../collections/CollectionsFrame';
import { useCollections } from '../../collections/useCollections';
import { useCollection } from '../../records/useCollection';
import { useFileToken } from '../../records/useFileToken';

export function RecordPage({ name, id }: { name: string; id: string }) {
  const all = useCollections();
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
    <CollectionsFrame items={all.items} error={all.error} current={name} compact>
      <section className="rec-page rec-record">
        <header className="rec-header">
          <h1>{isNew ? `New ${name} record` : <>{name} record <span className="rec-title-id">{id}</span></>}</h1>
          {!isNew && record && <div className="rec-header-actions"><DeleteRecordButton collection={name} id={record.id} onDeleted={back} /></div>}
        </header>
        {(loadError || error) && <p role="alert" className="error">{loadError || error}</p>}
        {ready && <div className="card rec-form-card"><RecordForm key={record?.id ?? 'new'} collection={collection} record={record} fileToken={fileToken} onSaved={back} /></div>}
        {!isNew && record && collection?.type === 'auth' && (
          <div className="rec-side"><ImpersonatePanel collection={name} id={record.id} /></div>
        )}
      </section>
    </CollectionsFrame>
  );
}
