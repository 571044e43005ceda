/** bool: a checkbox. */
import type { CollectionField } from 'pocketbase';
import { errorAria, errorId, inputId, type FieldProps } from './FieldShell';

export function BoolInput({ field, value, onChange, error }: FieldProps<boolean> & { field: CollectionField }) {
  return (
    <div className="rec-field">
      <label className="rec-check" htmlFor={inputId(field)}>
        <input id={inputId(field)} type="checkbox" checked={value} onChange={(e) => onChange(e.target.checked)} {...errorAria(field, error)} />
        {field.name}
      </label>
      {error && <span id={errorId(field)} className="error rec-field-error" role="alert">{error}</span>}
    </div>
  );
}
