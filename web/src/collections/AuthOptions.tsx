/** Auth collection options (API spec 4.2): sign-in methods, token durations, email templates. */
import { Checkbox, FieldError, NumberInput, TextInput } from './inputs';
import { errorsUnder, type Draft, type Errors } from './model';
import { OAuth2Providers, type Provider } from './OAuth2Providers';

type Obj = Record<string, unknown>;
const TOKENS: [string, string][] = [
  ['authToken', 'Auth token'], ['verificationToken', 'Verification token'], ['passwordResetToken', 'Password reset token'],
  ['emailChangeToken', 'Email change token'], ['fileToken', 'File token'],
];
const TEMPLATES: [string, string][] = [
  ['verificationTemplate', 'Verification email'], ['resetPasswordTemplate', 'Password reset email'],
  ['confirmEmailChangeTemplate', 'Email change email'], ['otp.emailTemplate', 'OTP email'], ['authAlert.emailTemplate', 'New sign-in alert email'],
];

interface Props { draft: Draft; errors: Errors; fieldNames: string[]; onChange: (patch: Partial<Draft>) => void }

export function AuthOptions({ draft, errors, fieldNames, onChange }: Props) {
  const obj = (k: string) => (draft[k] ?? {}) as Obj;
  const setIn = (k: string, patch: Obj) => onChange({ [k]: { ...obj(k), ...patch } });
  const pw = obj('passwordAuth');
  const identity = (pw.identityFields as string[] | undefined) ?? [];
  const otp = obj('otp');
  const mfa = obj('mfa');
  const oauth2 = obj('oauth2');
  const template = (path: string) => {
    const [k, sub] = path.split('.');
    const t = (sub ? (obj(k!)[sub] as Obj | undefined) : obj(k!)) ?? {};
    const set = (patch: Obj) => (sub ? setIn(k!, { [sub]: { ...t, ...patch } }) : setIn(k!, patch));
    return { t, set };
  };
  return (
    <section aria-label="Auth options" className="col-auth">
      <fieldset>
        <legend>Password</legend>
        <Checkbox label="Enable password sign-in" checked={pw.enabled === true} onChange={(v) => setIn('passwordAuth', { enabled: v })} />
        <p className="muted">Identity fields (each needs a unique index):</p>
        <div className="col-flags">
          {fieldNames.map((f) => (
            <Checkbox key={f} label={`Identity: ${f}`} checked={identity.includes(f)}
              onChange={(on) => setIn('passwordAuth', { identityFields: on ? [...identity, f] : identity.filter((x) => x !== f) })} />
          ))}
        </div>
        <FieldError message={errors['passwordAuth.identityFields'] ?? errors['passwordAuth.enabled']} />
      </fieldset>
      <fieldset>
        <legend>One-time password (OTP)</legend>
        <Checkbox label="Enable OTP" checked={otp.enabled === true} onChange={(v) => setIn('otp', { enabled: v })} />
        <NumberInput label="OTP duration (seconds)" value={otp.duration as number} onChange={(v) => setIn('otp', { duration: v ?? 0 })} error={errors['otp.duration']} />
        <NumberInput label="OTP length" value={otp.length as number} onChange={(v) => setIn('otp', { length: v ?? 0 })} error={errors['otp.length']} />
      </fieldset>
      <fieldset>
        <legend>Multi-factor authentication (MFA)</legend>
        <Checkbox label="Enable MFA" checked={mfa.enabled === true} onChange={(v) => setIn('mfa', { enabled: v })} error={errors['mfa.enabled']} />
        <NumberInput label="MFA duration (seconds)" value={mfa.duration as number} onChange={(v) => setIn('mfa', { duration: v ?? 0 })} error={errors['mfa.duration']} />
        <TextInput label="MFA rule" value={String(mfa.rule ?? '')} onChange={(v) => setIn('mfa', { rule: v })} error={errors['mfa.rule']} hint="Empty: everyone." />
      </fieldset>
      <fieldset>
        <legend>OAuth2</legend>
        <Checkbox label="Enable OAuth2" checked={oauth2.enabled === true} onChange={(v) => setIn('oauth2', { enabled: v })} />
        <FieldError message={errors['oauth2.providers']} />
        <OAuth2Providers providers={(oauth2.providers as Provider[] | undefined) ?? []} errors={errorsUnder(errors, 'oauth2.providers')}
          onChange={(providers) => setIn('oauth2', { providers })} />
      </fieldset>
      <fieldset>
        <legend>Token durations (seconds)</legend>
        <div className="col-options">
          {TOKENS.map(([k, label]) => (
            <NumberInput key={k} label={label} value={obj(k).duration as number} onChange={(v) => setIn(k, { duration: v ?? 0 })} error={errors[`${k}.duration`]} />
          ))}
        </div>
      </fieldset>
      {TEMPLATES.map(([path, label]) => {
        const { t, set } = template(path);
        return (
          <details key={path} className="col-template">
            <summary>{label}</summary>
            <TextInput label={`${label} subject`} value={String(t.subject ?? '')} onChange={(v) => set({ subject: v })} error={errors[`${path}.subject`]} />
            <label>
              {label} body (HTML)
              <textarea rows={6} value={String(t.body ?? '')} onChange={(e) => set({ body: e.target.value })} />
              <FieldError message={errors[`${path}.body`]} />
            </label>
          </details>
        );
      })}
    </section>
  );
}
