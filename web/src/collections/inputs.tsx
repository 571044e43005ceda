/** Small labelled inputs used by the option editors; each shows its API error below. */
import { useEffect, useState } from 'react';

export function FieldError({ message }: { message?: string }) {
  return message ? <span className="error" role="alert">{message}</span> : null;
}

type Base = { label: string; error?: string; hint?: string };

export function TextInput({ label, value, onChange, error, hint, placeholder, type = 'text' }: Base & { value: string; onChange: (v: string) => void; placeholder?: string; type?: string }) {
  return (
    <label>
      {label}
      <input type={type} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} aria-invalid={!!error} />
      {hint && <span className="muted">{hint}</span>}
      <FieldError message={error} />
    </label>
  );
}

/** A number input; empty means null when `nullable` (number field min/max), else 0. */
export function NumberInput({ label, value, onChange, error, hint, nullable }: Base & { value: number | null | undefined; onChange: (v: number | null) => void; nullable?: boolean }) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? (nullable ? null : 0) : Number(e.target.value))}
        aria-invalid={!!error}
      />
      {hint && <span className="muted">{hint}</span>}
      <FieldError message={error} />
    </label>
  );
}

export function Checkbox({ label, checked, onChange, error }: { label: string; checked: boolean; onChange: (v: boolean) => void; error?: string }) {
  return (
    <label className="col-check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
      <FieldError message={error} />
    </label>
  );
}

/** A list of strings typed comma-separated (select values, domains, MIME types, thumbs). */
export function ListInput({ label, value, onChange, error, hint }: Base & { value: string[] | undefined; onChange: (v: string[]) => void }) {
  const joined = (value ?? []).join(', ');
  const [text, setText] = useState(joined);
  // Follow outside changes without fighting the user's trailing comma.
  useEffect(() => { if (split(text).join(', ') !== joined) setText(joined); }, [joined]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <label>
      {label}
      <input value={text} onChange={(e) => { setText(e.target.value); onChange(split(e.target.value)); }} aria-invalid={!!error} />
      <span className="muted">{hint ?? 'Comma-separated.'}</span>
      <FieldError message={error} />
    </label>
  );
}

const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
