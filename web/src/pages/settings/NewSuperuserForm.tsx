/** Creates a `_superusers` record; validation errors next to their fields. */
import { useState } from 'react';
import { pb } from '../../lib/api';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { UserPlus } from 'lucide-react';
import { FormField } from '../../components/FormField';
import { Button } from '../../ui/Button';
import { useToast } from '../../ui/toast';

export function NewSuperuserForm({ onCreated }: { onCreated: (email: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [passwordConfirm, setPasswordConfirm] = useState('');
  const toast = useToast();
  const { submit, errors, busy } = useFormSubmit(async () => {
    toast.clear();
    await pb.collection('_superusers').create({ email, password, passwordConfirm });
    onCreated(email);
    setEmail('');
    setPassword('');
    setPasswordConfirm('');
  }, toast.error);

  return (
    <form className="card settings-form" onSubmit={submit} aria-labelledby="new-superuser-title">
      <h2 id="new-superuser-title">New superuser</h2>
      <div className="settings-grid">
        <FormField label="Email" type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <FormField label="Password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        <FormField label="Confirm password" type="password" autoComplete="new-password" required value={passwordConfirm} onChange={(e) => setPasswordConfirm(e.target.value)} error={errors.passwordConfirm} />
      </div>
      <div className="settings-actions"><Button type="submit" icon={UserPlus} disabled={busy}>Create superuser</Button></div>
    </form>
  );
}
