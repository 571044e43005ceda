/**
 * Create/edit form for one record: one input per field, the API's field errors shown
 * next to each input, a general message for the rest.
 */
import { useState, type FormEvent } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { Check } from 'lucide-react';
import { errorMessage, fieldErrors, pb } from '../lib/api';
import { Button, ButtonLink } from '../ui/Button';
import { useToast } from '../ui/toast';
import { FieldInput } from './fields/FieldInput';
import { formFields, toDraft, toPayload, type Draft } from './draft';
import { ExtractionState, isExtractionField } from './extraction';

interface Props {
  collection: CollectionModel;
  record: RecordModel | null;
  fileToken: string;
  onSaved: (r: RecordModel) => void;
}

export function RecordForm({ collection, record, fileToken, onSaved }: Props) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(collection, record));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const isNew = !record;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { body, errors: local } = toPayload(collection, draft, isNew);
    setErrors(local);
    toast.clear();
    if (Object.keys(local).length) { toast.error('Fix the marked fields.'); return; }
    setBusy(true);
    try {
      const svc = pb.collection(collection.id);
      const saved = isNew ? await svc.create(body) : await svc.update(record.id, body);
      toast.success(isNew ? `Created record ${saved.id}.` : `Saved record ${saved.id}.`);
      onSaved(saved);
    } catch (err) {
      setErrors(fieldErrors(err));
      toast.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="rec-form" onSubmit={(e) => void submit(e)} noValidate>
      {formFields(collection).map((f) => (isNew && f.type === 'autodate') ? null : isExtractionField(f, collection.fields) ? (
        isNew ? null : <ExtractionState key={f.name} field={f} value={record[f.name]} />
      ) : (
        <FieldInput key={f.name} field={f} value={draft[f.name]} errors={errors} record={record} fileToken={fileToken}
          onChange={(v) => setDraft((d) => ({ ...d, [f.name]: v }))} />
      ))}
      <div className="rec-actions">
        <ButtonLink variant="secondary" href={`#/collections/${encodeURIComponent(collection.name)}/records`}>Cancel</ButtonLink>
        <Button type="submit" icon={Check} disabled={busy}>{isNew ? 'Create' : 'Save changes'}</Button>
      </div>
    </form>
  );
}
