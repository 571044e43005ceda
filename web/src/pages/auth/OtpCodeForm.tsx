/** The second sign-in step: the code emailed by requestOTP (API spec 5.7). */
import { useState, type FormEvent } from 'react';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

type Props = { email: string; error: string; busy: boolean; onSubmit: (code: string) => void; onCancel: () => void };

export function OtpCodeForm({ email, error, busy, onSubmit, onCancel }: Props) {
  const [code, setCode] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(code.trim());
  };
  return (
    <form onSubmit={submit}>
      <p>A one-time code was sent to <strong>{email}</strong>.</p>
      <Notice error={error} />
      <FormField label="One-time code" inputMode="numeric" autoComplete="one-time-code" required autoFocus
        value={code} onChange={(e) => setCode(e.target.value)} />
      <button type="submit" disabled={busy}>Verify code</button>
      <p><button type="button" className="link" onClick={onCancel}>Start over</button></p>
    </form>
  );
}
