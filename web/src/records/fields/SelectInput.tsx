/** select: a drop-down for one value, checkboxes for several (keyboard-friendly either way). */
import { isMultiple } from '../model';
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';

export function SelectInput({ field, value, onChange, error }: FieldProps<string | string[]>) {
  const options: string[] = Array.isArray(field.values) ? field.values.map(String) : [];
  if (!isMultiple(field)) {
    return (
      <FieldShell field={field} error={error}>
        <select id={inputId(field)} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} {...errorAria(field, error)}>
          <option value="">(none)</option>
          {options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      </FieldShell>
    );
  }
  const chosen = Array.isArray(value) ? value : [];
  return (
    <FieldShell field={field} error={error} group>
      <div className="rec-options">
        {options.map((o) => (
          <label key={o} className="rec-check">
            <input type="checkbox" checked={chosen.includes(o)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))} />
            {o}
          </label>
        ))}
      </div>
    </FieldShell>
  );
}
