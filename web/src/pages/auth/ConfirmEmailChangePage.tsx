/** `#/auth/confirm-email-change/<token>`: the link sent to the new address; needs the account's password. */
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrors, pb } from '../../lib/api';
import { jwtClaims, tokenCollection } from '../../lib/jwt';
import { AuthCard } from './AuthCard';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

export function ConfirmEmailChangePage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ done?: string; error?: string }>({});
  const [busy, setBusy] = useState(false);
  const newEmail = jwtClaims(token).newEmail;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setOutcome({});
    try {
      await pb.collection(tokenCollection(token) || '_').confirmEmailChange(token, password);
      setOutcome({ done: 'Your email address has been changed. You can now sign in with the new one.' });
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      setOutcome({ error: fields.token ? `Invalid or expired link: ${fields.token}` : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  if (outcome.done) return <AuthCard title="Confirm new email"><Notice success={outcome.done} /></AuthCard>;
  return (
    <AuthCard title="Confirm new email">
      <form onSubmit={submit}>
        {typeof newEmail === 'string' && <p>New address: <strong>{newEmail}</strong></p>}
        <Notice error={outcome.error} />
        <FormField label="Password" type="password" autoComplete="current-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        <button type="submit" disabled={busy}>Confirm new email</button>
      </form>
    </AuthCard>
  );
}
