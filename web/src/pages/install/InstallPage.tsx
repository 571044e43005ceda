/**
 * `#/install/<token>`: the one-time first-run link `galley serve` prints while no
 * superuser exists. Creates the first superuser through POST /api/galley/install
 * (refused once one exists or when the link expired), then signs in as it.
 */
import { useState } from 'react';
import { pb } from '../../lib/api';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { navigate } from '../../lib/router';
import { AuthCard } from '../auth/AuthCard';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

export function InstallPage({ token }: { token: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [passwordConfirm, setPasswordConfirm] = useState('');
  const { submit, errors, error, busy } = useFormSubmit(async () => {
    await pb.send('/api/galley/install', { method: 'POST', body: { token, email, password, passwordConfirm } });
    await pb.collection('_superusers').authWithPassword(email, password);
    navigate('/collections');
  });

  return (
    <AuthCard title="Create the first superuser">
      <form onSubmit={submit}>
        <p className="muted">This account manages the collections, records and settings of this Galley.</p>
        <Notice error={error} />
        <FormField label="Email" type="email" autoComplete="username" required value={email}
          onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <FormField label="Password" type="password" autoComplete="new-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} error={errors.password} hint="At least 8 characters." />
        <FormField label="Confirm password" type="password" autoComplete="new-password" required value={passwordConfirm}
          onChange={(e) => setPasswordConfirm(e.target.value)} error={errors.passwordConfirm} />
        <button type="submit" disabled={busy}>Create superuser and sign in</button>
      </form>
    </AuthCard>
  );
}
