/**
 * Creating or editing one collection: name, fields, rules, indexes, and the view
 * query or auth options. Saving previews any data loss first; API errors are shown
 * next to the input they name (and the tab holding them is opened).
 */
import { useMemo, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { Check, Rows3, Trash2 } from 'lucide-react';
import { errorMessage, fieldErrors, pb } from '../lib/api';
import { Badge } from '../ui/Badge';
import { Button, ButtonLink } from '../ui/Button';
import { TabPanel } from '../ui/Tabs';
import { useToast } from '../ui/toast';
import { COLLECTION_TYPES } from './collection-types';
import { AuthOptions } from './AuthOptions';
import { ConfirmLossDialog } from './ConfirmLossDialog';
import { dataLoss, type Loss } from './data-loss';
import { saveBody } from './draft';
import { FieldsEditor } from './FieldsEditor';
import { IndexesEditor } from './IndexesEditor';
import { FieldError, TextInput } from './inputs';
import type { Draft, Errors, RuleKey } from './model';
import { RulesEditor } from './RulesEditor';
import { SearchOptions } from './SearchOptions';
import { tabOf, Tabs, type Tab } from './Tabs';

interface Props {
  original: Draft | null;
  initial: Draft;
  collections: CollectionModel[];
  onSaved: (saved: CollectionModel) => void;
  onDelete: () => void;
}

export function CollectionEditor({ original, initial, collections, onSaved, onDelete }: Props) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const toast = useToast();
  const [tab, setTab] = useState<Tab>(initial.type === 'view' ? 'query' : 'fields');
  const [losses, setLosses] = useState<Loss[] | null>(null);
  const [busy, setBusy] = useState(false);

  const fieldNames = draft.fields.map((f) => f.name).filter(Boolean);
  const ctx = useMemo(() => ({
    fields: fieldNames,
    authFields: collections.find((c) => c.name === 'users')?.fields.map((f) => f.name) ?? [],
    collections: Object.fromEntries(collections.map((c) => [c.name, c.fields.map((f) => f.name)])),
  }), [fieldNames.join(','), collections]); // eslint-disable-line react-hooks/exhaustive-deps

  const patch = (p: Partial<Draft>, clear: string[] = []) => {
    setDraft((d) => ({ ...d, ...p }));
    if (clear.length) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !clear.some((c) => k === c || k.startsWith(`${c}.`)))));
  };

  const save = async () => {
    setBusy(true);
    toast.clear();
    try {
      const body = saveBody(draft);
      const saved = original?.id ? await pb.collections.update(original.id, body) : await pb.collections.create(body);
      setErrors({});
      setLosses(null);
      onSaved(saved);
    } catch (err) {
      const fe = fieldErrors(err);
      setErrors(fe);
      toast.error(errorMessage(err));
      setLosses(null);
      const first = Object.keys(fe)[0];
      if (first && first !== 'name') setTab(tabOf(first));
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = () => {
    const l = dataLoss(original, draft);
    if (l.length) setLosses(l);
    else void save();
  };

  return (
    <form className="col-editor" onSubmit={(e) => { e.preventDefault(); onSubmit(); }} noValidate>
      <div className="col-editor-head">
        <h2>{original ? `Edit ${original.name}` : `New ${draft.type} collection`}</h2>
        <Badge tone={COLLECTION_TYPES[draft.type]?.tone}>{COLLECTION_TYPES[draft.type]?.label ?? draft.type}</Badge>
        {original?.system && <Badge>System</Badge>}
        <div className="col-editor-actions">
          {original && <ButtonLink variant="secondary" icon={Rows3} href={`#/collections/${encodeURIComponent(original.name)}/records`}>Browse records</ButtonLink>}
          {original && !original.system && <Button variant="danger-ghost" icon={Trash2} onClick={onDelete}>Delete</Button>}
          <Button type="submit" icon={Check} disabled={busy}>{busy ? 'Saving…' : original ? 'Save changes' : 'Create'}</Button>
        </div>
      </div>
      <TextInput label="Collection name" value={draft.name} onChange={(v) => patch({ name: v }, ['name'])} error={errors.name} placeholder="posts" />
      <Tabs type={draft.type} current={tab} errors={errors} onSelect={setTab} />
      <TabPanel idPrefix="col" current={tab} className="col-panel">
        {tab === 'query' && (
          <label>
            View query
            <textarea rows={6} className="mono" value={draft.viewQuery ?? ''} onChange={(e) => patch({ viewQuery: e.target.value }, ['viewQuery'])}
              placeholder="SELECT id, title FROM posts" aria-invalid={!!errors.viewQuery} />
            <FieldError message={errors.viewQuery} />
          </label>
        )}
        {tab === 'fields' && (
          <FieldsEditor fields={draft.fields} errors={errors} collections={collections} readOnly={draft.type === 'view'}
            onChange={(fields) => patch({ fields }, ['fields'])} />
        )}
        {tab === 'fields' && draft.type !== 'view' && (
          <SearchOptions draft={draft} errors={errors} onChange={(search) => patch({ search }, ['search'])} />
        )}
        {tab === 'rules' && (
          <RulesEditor draft={draft} errors={errors} ctx={ctx} onChange={(key: RuleKey, v) => patch({ [key]: v }, [key])} />
        )}
        {tab === 'indexes' && (
          <IndexesEditor collection={draft.name} fields={fieldNames} indexes={draft.indexes ?? []} errors={errors}
            onChange={(indexes) => patch({ indexes }, ['indexes'])} />
        )}
        {tab === 'options' && <AuthOptions draft={draft} errors={errors} fieldNames={fieldNames} onChange={(p) => patch(p, Object.keys(p))} />}
      </TabPanel>
      {losses && <ConfirmLossDialog losses={losses} busy={busy} onConfirm={() => void save()} onCancel={() => setLosses(null)} />}
    </form>
  );
}
