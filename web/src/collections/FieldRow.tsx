/**
 * One field of the schema as a compact row: drag handle, type icon, name, flags, and
 * the row actions (move up/down — the keyboard way to reorder —, options, remove);
 * the common flags and the type's own options open in a panel under the row.
 */
import { useState, type DragEvent } from 'react';
import type { CollectionModel } from 'pocketbase';
import { ArrowDown, ArrowUp, GripVertical, Settings2, X } from 'lucide-react';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { FIELD_TYPES, fieldIcon } from './field-types';
import { Checkbox, FieldError } from './inputs';
import type { Errors, Field } from './model';
import { OPTION_EDITORS } from './options';

/** Drag-and-drop hooks from the list; absent when the list cannot be reordered. */
/** Field types full-text search can index (docs/search.md). */
const SEARCHABLE_TYPES = new Set(['text', 'editor']);

export interface DragProps {
  onDragStart: (e: DragEvent) => void;
  onDragOver: (e: DragEvent) => void;
  onDrop: (e: DragEvent) => void;
  onDragEnd: () => void;
  dropBefore: boolean;
  dropAfter: boolean;
}

interface Props {
  field: Field;
  index: number;
  count: number;
  errors: Errors;
  collections: CollectionModel[];
  /** The collection's fields (options that name another field choose among them). */
  fields: Field[];
  readOnly: boolean;
  onChange: (f: Field) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
  drag?: DragProps;
}

export function FieldRow({ field, index, count, errors, collections, fields, readOnly, onChange, onMove, onRemove, drag }: Props) {
  const [open, setOpen] = useState(!field.id);
  // The row is draggable only while the handle is held, so text in its inputs stays selectable.
  const [grabbed, setGrabbed] = useState(false);
  const set = (patch: Partial<Field>) => onChange({ ...field, ...patch });
  const Options = OPTION_EDITORS[field.type];
  const Icon = fieldIcon(field.type);
  const label = field.name || `new ${field.type} field`;
  const hasErrors = Object.keys(errors).length > 0;
  const expanded = (open || hasErrors) && !readOnly;
  const cls = ['col-field', expanded ? 'open' : '', hasErrors ? 'invalid' : '', drag?.dropBefore ? 'drop-before' : '', drag?.dropAfter ? 'drop-after' : ''].filter(Boolean).join(' ');
  return (
    <fieldset className={cls} aria-label={`Field ${label}`} draggable={grabbed && !!drag}
      onDragStart={drag?.onDragStart} onDragOver={drag?.onDragOver} onDrop={drag?.onDrop}
      onDragEnd={() => { setGrabbed(false); drag?.onDragEnd(); }}>
      <div className="col-field-head">
        {drag && !readOnly && (
          <span className="col-grip" aria-hidden="true" title="Drag to reorder" onPointerDown={() => setGrabbed(true)} onPointerUp={() => setGrabbed(false)}>
            <GripVertical className="icon" />
          </span>
        )}
        <span className="col-type" title={FIELD_TYPES[field.type]?.label ?? field.type}>
          <Icon className="icon" aria-hidden="true" />
          <span className="sr-only">{FIELD_TYPES[field.type]?.label ?? field.type}</span>
        </span>
        <label className="col-field-name">
          <span className="sr-only">Name of field {index + 1}</span>
          <input value={field.name} disabled={readOnly || field.system} autoFocus={!field.id && field.name === ''}
            onChange={(e) => set({ name: e.target.value })} aria-invalid={!!errors.name} placeholder="Field name" />
        </label>
        <span className="col-field-flags">
          {field.system && <Badge>system</Badge>}
          {field.required && <Badge tone="accent">required</Badge>}
          {field.hidden && <Badge tone="warning">hidden</Badge>}
          {field.presentable && <Badge tone="success">presentable</Badge>}
          {field.searchable === true && <Badge tone="accent">searchable</Badge>}
          {field.type === 'file' && typeof field.extractTextTo === 'string' && field.extractTextTo !== '' && <Badge tone="accent">text → {field.extractTextTo}</Badge>}
        </span>
        <div className="col-field-actions">
          {!readOnly && <>
            <Button variant="ghost" small icon={ArrowUp} onClick={() => onMove(-1)} disabled={index === 0} label={`Move ${label} up`} />
            <Button variant="ghost" small icon={ArrowDown} onClick={() => onMove(1)} disabled={index === count - 1} label={`Move ${label} down`} />
            <Button variant="ghost" small icon={Settings2} aria-expanded={open || hasErrors} onClick={() => setOpen(!open)} label={`Options of ${label}`} />
          </>}
          {!readOnly && !field.system && <Button variant="danger-ghost" small icon={X} onClick={onRemove} label={`Remove ${label}`} />}
        </div>
      </div>
      <FieldError message={errors.name ?? errors.type ?? errors.id} />
      {expanded && (
        <div className="col-field-body">
          <div className="col-flags">
            {field.type !== 'autodate' && <Checkbox label="Required" checked={field.required === true} onChange={(v) => set({ required: v })} error={errors.required} />}
            <Checkbox label="Hidden" checked={field.hidden === true} onChange={(v) => set({ hidden: v })} error={errors.hidden} />
            <Checkbox label="Presentable" checked={field.presentable === true} onChange={(v) => set({ presentable: v })} error={errors.presentable} />
            {SEARCHABLE_TYPES.has(field.type) && (
              <Checkbox label="Searchable (full-text search)" checked={field.searchable === true} onChange={(v) => set({ searchable: v })} error={errors.searchable} />
            )}
          </div>
          {Options && <Options field={field} set={set} errors={errors} collections={collections} fields={fields} />}
        </div>
      )}
    </fieldset>
  );
}
