/** A labelled input with the API's error for it shown underneath (and announced to screen readers). */
import { useId, type InputHTMLAttributes } from 'react';

type Props = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | undefined; hint?: string };

export function FormField({ label, error, hint, ...input }: Props) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <label className="form-field">
      {label}
      <input {...input} aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      {hint && <span id={`${id}-hint`} className="muted">{hint}</span>}
      {error && <span id={`${id}-error`} className="error field-error">{error}</span>}
    </label>
  );
}

/** A checkbox with its label beside it. */
export function CheckboxField({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="checkbox-field">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
