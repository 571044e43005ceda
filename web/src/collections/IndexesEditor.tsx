/** Indexes: the SQL definitions, editable as text, plus a builder for the common case. */
import { useState } from 'react';
import { Checkbox, FieldError } from './inputs';
import type { Errors } from './model';

interface Props { collection: string; fields: string[]; indexes: string[]; errors: Errors; onChange: (indexes: string[]) => void }

export function buildIndex(collection: string, columns: string[], unique: boolean): string {
  const name = `idx_${collection}_${columns.join('_')}`.replace(/\W/g, '_');
  return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX \`${name}\` ON \`${collection}\` (${columns.map((c) => `\`${c}\``).join(', ')})`;
}

export function IndexesEditor({ collection, fields, indexes, errors, onChange }: Props) {
  const [unique, setUnique] = useState(false);
  const [columns, setColumns] = useState<string[]>([]);
  const toggle = (f: string, on: boolean) => setColumns(on ? [...columns, f] : columns.filter((c) => c !== f));
  return (
    <section aria-label="Indexes">
      <FieldError message={errors.indexes} />
      {indexes.length === 0 && <p className="muted">No indexes.</p>}
      {indexes.map((ix, i) => (
        <div key={i} className="col-index">
          <label>
            <span className="sr-only">Index {i + 1}</span>
            <input value={ix} onChange={(e) => onChange(indexes.map((x, j) => (j === i ? e.target.value : x)))} aria-invalid={!!errors[`indexes.${i}`]} />
            <FieldError message={errors[`indexes.${i}`]} />
          </label>
          <button type="button" className="danger small" onClick={() => onChange(indexes.filter((_, j) => j !== i))} aria-label={`Remove index ${i + 1}`}>✕</button>
        </div>
      ))}
      <fieldset className="col-index-new">
        <legend>New index</legend>
        <div className="col-flags">
          {fields.map((f) => <Checkbox key={f} label={f} checked={columns.includes(f)} onChange={(on) => toggle(f, on)} />)}
        </div>
        <Checkbox label="Unique" checked={unique} onChange={setUnique} />
        <button type="button" className="secondary" disabled={columns.length === 0 || !collection}
          onClick={() => { onChange([...indexes, buildIndex(collection, columns, unique)]); setColumns([]); setUnique(false); }}>
          Add index
        </button>
      </fieldset>
    </section>
  );
}
