/** "Send test email": mails one of the `_superusers` templates with the saved SMTP settings. */
import { useState } from 'react';
import { pb } from '../../lib/api';
import { Send } from 'lucide-react';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { FormField } from '../../components/FormField';
import { Button } from '../../ui/Button';
import { useToast } from '../../ui/toast';

const TEMPLATES = [['verification', 'Verification'], ['password-reset', 'Password reset'], ['email-change', 'Email change'], ['otp', 'One-time code'], ['login-alert', 'Login alert']];

export function TestEmailForm() {
  const [email, setEmail] = useState('');
  const [template, setTemplate] = useState('verification');
  const toast = useToast();
  const { submit, errors, busy } = useFormSubmit(async () => {
    toast.clear();
    await pb.settings.testEmail('_superusers', email, template);
    toast.success(`Test email sent to ${email}.`);
  }, toast.error);

  return (
    <form className="card settings-form" onSubmit={submit} aria-labelledby="test-email-title">
      <h2 id="test-email-title">Send test email</h2>
      <div className="settings-grid">
        <FormField label="Recipient" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <div className="form-field">
          <label htmlFor="test-email-template">Template</label>
          <select id="test-email-template" value={template} onChange={(e) => setTemplate(e.target.value)}>
            {TEMPLATES.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </div>
      </div>
      <div className="settings-actions"><Button type="submit" variant="secondary" icon={Send} disabled={busy}>Send test email</Button></div>
    </form>
  );
}
