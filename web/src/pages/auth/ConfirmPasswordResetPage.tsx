/** `#/auth/confirm-password-reset/<token>`: the link in the password-reset email. */
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrors, pb } from '../../lib/api';
import { tokenCollection } from '../../lib/jwt';
import { AuthCard } from './AuthCard';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

export function ConfirmPasswordResetPage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [passwordConfirm, setPasswordConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ done?: string; error?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setOutcome({});
    try {
      await pb.collection(tokenCollection(token) || '_').confirmPasswordReset(token, password, passwordConfirm);
      setOutcome({ done: 'Your password has been changed. You can now sign in with it.' });
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      setOutcome({ error: fields.token ? `Invalid or expired link: ${fields.token}` : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  if (outcome.done) return <AuthCard title="Reset password"><Notice success={outcome.done} /></AuthCard>;
  return (
    <AuthCard title="Reset password">
      <form onSubmit={submit}>
        <Notice error={outcome.error} />
        <FormField label="New password" type="password" autoComplete="new-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        <FormField label="Confirm new password" type="password" autoComplete="new-password" required value={passwordConfirm}
          onChange={(e) => setPasswordConfirm(e.target.value)} error={errors.passwordConfirm} />
        <button type="submit" disabled={busy}>Set new password</button>
      </form>
    </AuthCard>
  );
}
