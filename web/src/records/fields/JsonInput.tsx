/** json: a textarea; the text must parse before the form will save (checked here as you type). */
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';

/** The parse problem of a JSON text, or '' when it is valid (or empty, meaning null). */
export function jsonProblem(text: string): string {
  if (!text.trim()) return '';
  try { JSON.parse(text); return ''; } catch (err) { return `Invalid JSON: ${(err as Error).message}`; }
}

export function JsonInput({ field, value, onChange, error }: FieldProps<string>) {
  const problem = jsonProblem(value);
  return (
    <FieldShell field={field} error={error || problem}>
      <textarea id={inputId(field)} className="rec-mono" rows={5} value={value} spellCheck={false}
        onChange={(e) => onChange(e.target.value)} {...errorAria(field, error || problem)} />
    </FieldShell>
  );
}
