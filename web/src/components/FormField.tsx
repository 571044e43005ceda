/**
 * A labelled input with its hint and the API's error for it underneath. The label
 * holds only the label text, so the input's accessible name stays "Email" and the
 * hint/error are announced as its description.
 */
import { useId, type InputHTMLAttributes } from 'react';
import './form-field.css';

type Props = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | undefined; hint?: string };

export function FormField({ label, error, hint, ...input }: Props) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      {hint && <span id={`${id}-hint`} className="muted">{hint}</span>}
      {error && <span id={`${id}-error`} className="error field-error">{error}</span>}
    </div>
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
