/**
 * The `logs` settings section on the Logs screen: how long logs are kept, the lowest
 * level stored, whether IPs and auth ids are stored, and the data size limit; saved
 * as a PATCH of that section (useSettingsSection: field errors under the inputs,
 * the outcome as a toast).
 */
import type { FormEvent } from 'react';
import { Check } from 'lucide-react';
import { CheckboxField, FormField } from '../components/FormField';
import { Notice } from '../components/Notice';
import { useSettingsSection } from '../pages/settings/useSettingsSection';
import { Button } from '../ui/Button';
import { Dialog, DialogActions } from '../ui/Dialog';
import { LEVELS } from './logs-filter';

type LogsSettings = { maxDays: number; minLevel: number; logIP: boolean; logAuthId: boolean; maxDataSize: number };

export function LogsSettingsDialog({ onClose }: { onClose: () => void }) {
  const form = useSettingsSection<LogsSettings>('logs');
  const { value: v, set, errors } = form;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await form.save()) onClose();
  };
  return (
    <Dialog title="Logs settings" onClose={onClose}>
      {v === undefined ? (form.loadError ? <Notice error={form.loadError} /> : <p>Loading…</p>) : (
        <form onSubmit={submit} aria-label="Logs settings" noValidate>
          <FormField label="Days to keep logs" type="number" min={0} value={v.maxDays} onChange={(e) => set({ maxDays: Number(e.target.value) })}
            hint="0 turns logging to the store off." error={errors.maxDays} />
          <div className="form-field">
            <label htmlFor="logs-min-level">Lowest level stored</label>
            <select id="logs-min-level" value={v.minLevel} onChange={(e) => set({ minLevel: Number(e.target.value) })}>
              {LEVELS.map((l) => <option key={l.value} value={l.value}>{l.label} ({l.value})</option>)}
            </select>
            {errors.minLevel && <span className="error field-error">{errors.minLevel}</span>}
          </div>
          <FormField label="Max data size (bytes, 0 = 16 KiB)" type="number" min={0} value={v.maxDataSize} onChange={(e) => set({ maxDataSize: Number(e.target.value) })} error={errors.maxDataSize} />
          <CheckboxField label="Store the client's IP" checked={v.logIP} onChange={(logIP) => set({ logIP })} />
          <CheckboxField label="Store the auth record's id" checked={v.logAuthId} onChange={(logAuthId) => set({ logAuthId })} />
          <DialogActions>
            <Button variant="secondary" onClick={onClose}>Cancel</Button>
            <Button type="submit" icon={Check} disabled={form.busy}>Save changes</Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
