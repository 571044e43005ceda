/** Auth collections' password: new password and its confirmation (left empty = unchanged). */
import { FieldShell, type FieldProps } from './FieldShell';

export interface PasswordDraft { password: string; confirm: string }

export function PasswordInput({ field, value, onChange, error, confirmError }: FieldProps<PasswordDraft> & { confirmError?: string }) {
  return (
    <FieldShell field={field} error={error} group>
      <div className="rec-inline-row">
        <label className="rec-inline">Password
          <input type="password" autoComplete="new-password" value={value.password} onChange={(e) => onChange({ ...value, password: e.target.value })} />
        </label>
        <label className="rec-inline">Password confirm
          <input type="password" autoComplete="new-password" value={value.confirm} onChange={(e) => onChange({ ...value, confirm: e.target.value })} />
        </label>
      </div>
      {confirmError && <span className="error rec-field-error" role="alert">{confirmError}</span>}
    </FieldShell>
  );
}
