/** "Send test email": mails one of the `_superusers` templates with the saved SMTP settings. */
import { useState } from 'react';
import { pb } from '../../lib/api';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

const TEMPLATES = [['verification', 'Verification'], ['password-reset', 'Password reset'], ['email-change', 'Email change'], ['otp', 'One-time code'], ['login-alert', 'Login alert']];

export function TestEmailForm() {
  const [email, setEmail] = useState('');
  const [template, setTemplate] = useState('verification');
  const [sent, setSent] = useState('');
  const { submit, errors, error, busy } = useFormSubmit(async () => {
    setSent('');
    await pb.settings.testEmail('_superusers', email, template);
    setSent(`Test email sent to ${email}.`);
  });

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
      <Notice success={sent} error={error} />
      <div className="settings-actions"><button type="submit" className="secondary" disabled={busy}>Send test email</button></div>
    </form>
  );
}
