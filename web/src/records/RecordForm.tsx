/**
 * Create/edit form for one record: one input per field, the API's field errors shown
 * next to each input, a general message for the rest.
 */
import { useState, type FormEvent } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { errorMessage, fieldErrors, pb } from '../lib/api';
import { FieldInput } from './fields/FieldInput';
import { formFields, toDraft, toPayload, type Draft } from './draft';

interface Props {
  collection: CollectionModel;
  record: RecordModel | null;
  fileToken: string;
  onSaved: (r: RecordModel) => void;
}

export function RecordForm({ collection, record, fileToken, onSaved }: Props) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(collection, record));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const isNew = !record;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { body, errors: local } = toPayload(collection, draft, isNew);
    setErrors(local);
    setMessage(Object.keys(local).length ? 'Fix the marked fields.' : '');
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const svc = pb.collection(collection.id);
      onSaved(isNew ? await svc.create(body) : await svc.update(record.id, body));
    } catch (err) {
      setErrors(fieldErrors(err));
      setMessage(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="rec-form" onSubmit={(e) => void submit(e)} noValidate>
      {formFields(collection).map((f) => (isNew && f.type === 'autodate') ? null : (
        <FieldInput key={f.name} field={f} value={draft[f.name]} errors={errors} record={record} fileToken={fileToken}
          onChange={(v) => setDraft((d) => ({ ...d, [f.name]: v }))} />
      ))}
      {message && <p role="alert" className="error">{message}</p>}
      <div className="rec-actions">
        <button type="submit" disabled={busy}>{isNew ? 'Create' : 'Save changes'}</button>
        <a className="rec-button secondary" href={`#/collections/${encodeURIComponent(collection.name)}/records`}>Cancel</a>
      </div>
    </form>
  );
}
