/** A textarea edited as a list of strings, one per line (IPs, header names); errors per item (`headers.1`). */
import { useId } from 'react';

type Props = { label: string; values: string[]; onChange: (values: string[]) => void; errors: Record<string, string>; prefix: string; hint?: string };

export function ListField({ label, values, onChange, errors, prefix, hint }: Props) {
  const id = useId();
  const item = prefix ? `${prefix}.` : '';
  const messages = Object.entries(errors).flatMap(([k, m]) => {
    if (prefix && k === prefix) return [m];
    const line = k.startsWith(item) ? k.slice(item.length) : '';
    return /^\d+$/.test(line) ? [`Line ${Number(line) + 1}: ${m}`] : [];
  });
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={4} value={values.join('\n')} aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value.split('\n').map((s) => s.trim()).filter((s, i, all) => s !== '' || i === all.length - 1))} />
      {hint && <span id={`${id}-hint`} className="muted">{hint}</span>}
      {messages.map((m) => <span key={m} className="error field-error">{m}</span>)}
    </div>
  );
}
