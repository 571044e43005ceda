/** `#/auth/confirm-password-reset/<token>`: the link in the password-reset email. */
import { useState } from 'react';
import { pb } from '../../lib/api';
import { useLinkForm } from './useLinkForm';
import { tokenCollection } from '../../lib/jwt';
import { AuthCard } from './AuthCard';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

export function ConfirmPasswordResetPage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [passwordConfirm, setPasswordConfirm] = useState('');

  const { submit, errors, outcome, busy } = useLinkForm(() => pb.collection(tokenCollection(token) || '_').confirmPasswordReset(token, password, passwordConfirm), 'Your password has been changed. You can now sign in with it.');

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
