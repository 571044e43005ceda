/** `#/auth/confirm-email-change/<token>`: the link sent to the new address; needs the account's password. */
import { useState } from 'react';
import { pb } from '../../lib/api';
import { useLinkForm } from './useLinkForm';
import { jwtClaims, tokenCollection } from '../../lib/jwt';
import { AuthCard } from './AuthCard';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

export function ConfirmEmailChangePage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const newEmail = jwtClaims(token).newEmail;

  const { submit, errors, outcome, busy } = useLinkForm(() => pb.collection(tokenCollection(token) || '_').confirmEmailChange(token, password), 'Your email address has been changed. You can now sign in with the new one.');

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
