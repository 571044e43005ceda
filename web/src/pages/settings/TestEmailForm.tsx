/** "Send test email": mails one of the `_superusers` templates with the saved SMTP settings. */
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrors, pb } from '../../lib/api';
import { FormField } from '../../components/FormField';
import { Notice } from '../../components/Notice';

const TEMPLATES = [['verification', 'Verification'], ['password-reset', 'Password reset'], ['email-change', 'Email change'], ['otp', 'One-time code'], ['login-alert', 'Login alert']];

export function TestEmailForm() {
  const [email, setEmail] = useState('');
  const [template, setTemplate] = useState('verification');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ success?: string; error?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setNotice({});
    try {
      await pb.settings.testEmail('_superusers', email, template);
      setNotice({ success: `Test email sent to ${email}.` });
    } catch (err) {
      setErrors(fieldErrors(err));
      setNotice({ error: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

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
      <Notice {...notice} />
      <div className="settings-actions"><button type="submit" className="secondary" disabled={busy}>Send test email</button></div>
    </form>
  );
}
