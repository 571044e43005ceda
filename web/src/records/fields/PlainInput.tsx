/** text, number, email and url: one native input each (number kept as typed text until saving). */
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';

const TYPES: Record<string, string> = { text: 'text', number: 'number', email: 'email', url: 'url' };

export function PlainInput({ field, value, onChange, error, readOnly }: FieldProps<string> & { readOnly?: boolean }) {
  return (
    <FieldShell field={field} error={error}>
      <input id={inputId(field)} type={TYPES[field.type] ?? 'text'} value={value} readOnly={readOnly}
        step={field.type === 'number' ? (field.onlyInt ? 1 : 'any') : undefined}
        onChange={(e) => onChange(e.target.value)} {...errorAria(field, error)} />
    </FieldShell>
  );
}
