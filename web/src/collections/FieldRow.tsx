/** One field of the schema: name, type, common flags, and its type's options. */
import { useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { FIELD_TYPES } from './field-types';
import { Checkbox, FieldError } from './inputs';
import type { Errors, Field } from './model';
import { OPTION_EDITORS } from './options';

interface Props {
  field: Field;
  index: number;
  count: number;
  errors: Errors;
  collections: CollectionModel[];
  readOnly: boolean;
  onChange: (f: Field) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}

export function FieldRow({ field, index, count, errors, collections, readOnly, onChange, onMove, onRemove }: Props) {
  const [open, setOpen] = useState(!field.id);
  const set = (patch: Partial<Field>) => onChange({ ...field, ...patch });
  const Options = OPTION_EDITORS[field.type];
  const label = field.name || `new ${field.type} field`;
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <fieldset className="col-field" aria-label={`Field ${label}`}>
      <div className="col-field-head">
        <span className="col-type" title={FIELD_TYPES[field.type]?.label}>{field.type}</span>
        <label className="col-field-name">
          <span className="sr-only">Name of field {index + 1}</span>
          <input value={field.name} disabled={readOnly || field.system} autoFocus={!field.id && field.name === ''}
            onChange={(e) => set({ name: e.target.value })} aria-invalid={!!errors.name} />
        </label>
        <div className="col-field-actions">
          {!readOnly && <>
            <button type="button" className="secondary small" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move ${label} up`}>↑</button>
            <button type="button" className="secondary small" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move ${label} down`}>↓</button>
          </>}
          <button type="button" className="secondary small" aria-expanded={open || hasErrors} onClick={() => setOpen(!open)} aria-label={`Options of ${label}`}>⚙</button>
          {!readOnly && !field.system && <button type="button" className="danger small" onClick={onRemove} aria-label={`Remove ${label}`}>✕</button>}
        </div>
      </div>
      <FieldError message={errors.name ?? errors.type ?? errors.id} />
      {(open || hasErrors) && !readOnly && (
        <div className="col-field-body">
          <div className="col-flags">
            {field.type !== 'autodate' && <Checkbox label="Required" checked={field.required === true} onChange={(v) => set({ required: v })} error={errors.required} />}
            <Checkbox label="Hidden" checked={field.hidden === true} onChange={(v) => set({ hidden: v })} error={errors.hidden} />
            <Checkbox label="Presentable" checked={field.presentable === true} onChange={(v) => set({ presentable: v })} error={errors.presentable} />
          </div>
          {Options && <Options field={field} set={set} errors={errors} collections={collections} />}
        </div>
      )}
    </fieldset>
  );
}
