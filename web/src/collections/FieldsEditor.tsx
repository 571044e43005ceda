/** The schema: add, rename, reorder and remove fields (view fields come from the query). */
import { useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { FIELD_TYPES, newField } from './field-types';
import { FieldRow } from './FieldRow';
import { errorsUnder, type Errors, type Field } from './model';

interface Props {
  fields: Field[];
  errors: Errors;
  collections: CollectionModel[];
  readOnly: boolean;
  onChange: (fields: Field[]) => void;
}

export function FieldsEditor({ fields, errors, collections, readOnly, onChange }: Props) {
  const [type, setType] = useState('text');
  const move = (i: number, delta: number) => {
    const next = [...fields];
    const [f] = next.splice(i, 1);
    next.splice(i + delta, 0, f!);
    onChange(next);
  };
  return (
    <section aria-label="Fields">
      {readOnly && <p className="muted">A view's fields come from its query.</p>}
      {fields.map((f, i) => (
        <FieldRow
          key={f.id ?? `new-${i}`}
          field={f}
          index={i}
          count={fields.length}
          errors={errorsUnder(errors, `fields.${i}`)}
          collections={collections}
          readOnly={readOnly}
          onChange={(nf) => onChange(fields.map((x, j) => (j === i ? nf : x)))}
          onMove={(d) => move(i, d)}
          onRemove={() => onChange(fields.filter((_, j) => j !== i))}
        />
      ))}
      {!readOnly && (
        <div className="col-add-field">
          <label>
            New field type
            <select value={type} onChange={(e) => setType(e.target.value)}>
              {Object.entries(FIELD_TYPES).map(([t, d]) => <option key={t} value={t}>{d.label}</option>)}
            </select>
          </label>
          <button type="button" className="secondary" onClick={() => onChange([...fields, newField(type, '')])}>Add field</button>
        </div>
      )}
    </section>
  );
}
