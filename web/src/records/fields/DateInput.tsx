/**
 * date: a datetime-local input read as UTC (PocketBase stores UTC), with the stored
 * `YYYY-MM-DD HH:MM:SS.sssZ` form shown beside it. autodate is read-only.
 */
import { fromInputDate, toInputDate } from '../model';
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';

export function DateInput({ field, value, onChange, error }: FieldProps<string>) {
  if (field.type === 'autodate') {
    return (
      <FieldShell field={field}>
        <input id={inputId(field)} value={value || '(set by the server)'} readOnly />
      </FieldShell>
    );
  }
  return (
    <FieldShell field={field} error={error} note={<span className="muted">UTC{value ? `: ${value}` : ''}</span>}>
      <div className="rec-inline-row">
        <input id={inputId(field)} type="datetime-local" step={1} value={toInputDate(value)}
          onChange={(e) => onChange(fromInputDate(e.target.value))} {...errorAria(field, error)} />
        {value && <button type="button" className="secondary" onClick={() => onChange('')}>Clear</button>}
      </div>
    </FieldShell>
  );
}
