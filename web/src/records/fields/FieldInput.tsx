/** Picks the input for a field's type. */
import { lazy, Suspense } from 'react';
import type { CollectionField, RecordModel } from 'pocketbase';

// The rich-text editor (TipTap) is loaded only when a form has an editor field.
const EditorInput = lazy(() => import('./EditorInput').then((m) => ({ default: m.EditorInput })));
import { BoolInput } from './BoolInput';
import { DateInput } from './DateInput';
import { FileInput, type FileDraft } from './FileInput';
import { GeoPointInput, type GeoDraft } from './GeoPointInput';
import { JsonInput } from './JsonInput';
import { PasswordInput, type PasswordDraft } from './PasswordInput';
import { PlainInput } from './PlainInput';
import { RelationPicker } from './RelationPicker';
import { SelectInput } from './SelectInput';

interface Props {
  field: CollectionField;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: Record<string, string>;
  record: RecordModel | null;
  fileToken: string;
}

/** The API's error for a field, including nested ones (`geo.lat`). */
function errorFor(errors: Record<string, string>, name: string): string | undefined {
  if (errors[name]) return errors[name];
  const nested = Object.entries(errors).find(([k]) => k.startsWith(`${name}.`));
  return nested?.[1];
}

export function FieldInput({ field, value, onChange, errors, record, fileToken }: Props) {
  const error = errorFor(errors, field.name);
  const common = { field, error };
  switch (field.type) {
    case 'bool': return <BoolInput {...common} value={value as boolean} onChange={onChange} />;
    case 'editor': return <Suspense fallback={<p className="muted">Loading the editor…</p>}><EditorInput {...common} value={value as string} onChange={onChange} /></Suspense>;
    case 'date':
    case 'autodate': return <DateInput {...common} value={value as string} onChange={onChange} />;
    case 'select': return <SelectInput {...common} value={value as string | string[]} onChange={onChange} />;
    case 'relation': return <RelationPicker {...common} value={value as string | string[]} onChange={onChange} />;
    case 'json': return <JsonInput {...common} value={value as string} onChange={onChange} />;
    case 'geoPoint': return <GeoPointInput {...common} value={value as GeoDraft} onChange={onChange} />;
    case 'password': return <PasswordInput {...common} value={value as PasswordDraft} onChange={onChange} confirmError={errors.passwordConfirm} />;
    case 'file': return <FileInput {...common} value={value as FileDraft} onChange={onChange} record={record} fileToken={fileToken} />;
    default:
      // A vector with a source is computed by Galley: shown, not edited (draft.ts does not send it).
      return <PlainInput {...common} value={value as string} onChange={onChange} readOnly={(field.name === 'id' && !!record) || (field.type === 'vector' && !!field.source)} />;
  }
}
