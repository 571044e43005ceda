/**
 * Settings → Mail: the `smtp` section. The password is write-only: the API never
 * returns it, the field starts empty, and it is sent only when something was typed.
 */
import { useState } from 'react';
import { CheckboxField, FormField } from '../../components/FormField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';
import { TestEmailForm } from './TestEmailForm';

type Smtp = { enabled: boolean; host: string; port: number; username: string; authMethod: string; tls: boolean; localName: string };

export function MailSettings() {
  const form = useSettingsSection<Smtp>('smtp');
  const [password, setPassword] = useState('');
  const { value: v, set, errors } = form;
  const save = async () => {
    if (await form.save(password ? { ...v, password } : v)) setPassword('');
  };
  return (
    <>
      <SettingsForm title="Mail (SMTP)" form={form} onSubmit={() => void save()}
        description="Without SMTP, mail goes to the local sendmail.">
        {v && (
          <>
            <CheckboxField label="Use an SMTP server" checked={v.enabled} onChange={(enabled) => set({ enabled })} />
            <div className="settings-grid">
              <FormField label="SMTP host" value={v.host} onChange={(e) => set({ host: e.target.value })} error={errors.host} />
              <FormField label="Port" type="number" min={1} max={65535} value={v.port} onChange={(e) => set({ port: Number(e.target.value) })} error={errors.port} />
              <FormField label="Username" autoComplete="off" value={v.username} onChange={(e) => set({ username: e.target.value })} error={errors.username} />
              <FormField label="SMTP password" type="password" autoComplete="new-password" value={password} placeholder="unchanged"
                onChange={(e) => setPassword(e.target.value)} error={errors.password} hint="Leave empty to keep the current password." />
              <div className="form-field">
                <label htmlFor="smtp-auth-method">Auth method</label>
                <select id="smtp-auth-method" value={v.authMethod} onChange={(e) => set({ authMethod: e.target.value })}>
                  <option value="">Automatic</option>
                  <option value="PLAIN">PLAIN</option>
                  <option value="LOGIN">LOGIN</option>
                </select>
                {errors.authMethod && <span className="error field-error">{errors.authMethod}</span>}
              </div>
              <FormField label="Local name (HELO)" value={v.localName} onChange={(e) => set({ localName: e.target.value })} error={errors.localName} />
            </div>
            <CheckboxField label="Use TLS from the start (port 465)" checked={v.tls} onChange={(tls) => set({ tls })} />
          </>
        )}
      </SettingsForm>
      <TestEmailForm />
    </>
  );
}
