/**
 * The schema: add, rename, reorder and remove fields (view fields come from the query).
 * Rows reorder by dragging their handle, or with each row's move up/down buttons.
 */
import { useState, type DragEvent } from 'react';
import type { CollectionModel } from 'pocketbase';
import { Plus } from 'lucide-react';
import { Button } from '../ui/Button';
import { FIELD_TYPES, newField } from './field-types';
import { FieldRow, type DragProps } from './FieldRow';
import { errorsUnder, type Errors, type Field } from './model';

interface Props {
  fields: Field[];
  errors: Errors;
  collections: CollectionModel[];
  readOnly: boolean;
  onChange: (fields: Field[]) => void;
}

/** `fields` with the one at `from` moved to position `to` (an index into the list without it). */
export function moveField(fields: Field[], from: number, to: number): Field[] {
  const next = [...fields];
  const [f] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(to, next.length)), 0, f!);
  return next;
}

/**
 * A renamed field stays the extraction target of the file fields that named it and the
 * source of the vector fields that named it (`extractTextTo`, `source` hold a field name, not an id).
 */
export function withRenamedTargets(fields: Field[], before: Field, after: Field): Field[] {
  if (before.name === after.name || before.name === '') return fields;
  return fields.map((f) => (f.type === 'file' && f.extractTextTo === before.name ? { ...f, extractTextTo: after.name }
    : f.type === 'vector' && f.source === before.name ? { ...f, source: after.name } : f));
}

export function FieldsEditor({ fields, errors, collections, readOnly, onChange }: Props) {
  const [type, setType] = useState('text');
  const [dragging, setDragging] = useState<number | null>(null);
  const [drop, setDrop] = useState<{ index: number; after: boolean } | null>(null);

  const dragProps = (i: number): DragProps => ({
    onDragStart: (e: DragEvent) => { e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', String(i)); setDragging(i); },
    onDragOver: (e: DragEvent) => {
      if (dragging === null) return;
      e.preventDefault();
      const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
      const after = e.clientY > box.top + box.height / 2;
      if (drop?.index !== i || drop.after !== after) setDrop({ index: i, after });
    },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      if (dragging !== null && drop) {
        const target = drop.index + (drop.after ? 1 : 0);
        const to = target > dragging ? target - 1 : target;
        if (to !== dragging) onChange(moveField(fields, dragging, to));
      }
      setDragging(null);
      setDrop(null);
    },
    onDragEnd: () => { setDragging(null); setDrop(null); },
    dropBefore: dragging !== null && drop?.index === i && !drop.after,
    dropAfter: dragging !== null && drop?.index === i && drop.after,
  });

  return (
    <section aria-label="Fields" className="col-fields">
      {readOnly && <p className="muted">A view's fields come from its query.</p>}
      {fields.map((f, i) => (
        <FieldRow
          key={f.id ?? `new-${i}`}
          field={f}
          index={i}
          count={fields.length}
          errors={errorsUnder(errors, `fields.${i}`)}
          collections={collections}
          fields={fields}
          readOnly={readOnly}
          onChange={(nf) => onChange(withRenamedTargets(fields.map((x, j) => (j === i ? nf : x)), fields[i]!, nf))}
          onMove={(d) => onChange(moveField(fields, i, i + d))}
          onRemove={() => onChange(fields.filter((_, j) => j !== i))}
          drag={readOnly ? undefined : dragProps(i)}
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
          <Button variant="secondary" icon={Plus} onClick={() => onChange([...fields, newField(type, '')])}>Add field</Button>
        </div>
      )}
    </section>
  );
}
