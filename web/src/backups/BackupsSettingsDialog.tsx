/**
 * The `backups` settings on the Backups screen: the schedule (presets, or a cron
 * expression of one's own), how many automatic backups are kept, and a bucket of its
 * own for the archives (S3; the secret is write-only: sent only when typed) with a
 * button that tests the saved bucket (POST /api/settings/test/s3, filesystem "backups").
 */
import { useState, type FormEvent } from 'react';
import { Check, PlugZap } from 'lucide-react';
import { CheckboxField, FormField } from '../components/FormField';
import { Notice } from '../components/Notice';
import { useSettingsSection } from '../pages/settings/useSettingsSection';
import { errorMessage, pb } from '../lib/api';
import { Button } from '../ui/Button';
import { Dialog, DialogActions } from '../ui/Dialog';
import { useToast } from '../ui/toast';

type S3 = { enabled: boolean; bucket: string; region: string; endpoint: string; accessKey: string; forcePathStyle: boolean };
type BackupsSettings = { cron: string; cronMaxKeep: number; s3: S3 };

/** Schedules in UTC; "custom" shows the expression field. */
const PRESETS = [
  { label: 'No automatic backups', cron: '' },
  { label: 'Every day at 00:00 UTC', cron: '0 0 * * *' },
  { label: 'Every 6 hours', cron: '0 */6 * * *' },
  { label: 'Every Sunday at 00:00 UTC', cron: '0 0 * * 0' },
  { label: 'Every Wednesday and Sunday at 00:00 UTC', cron: '0 0 * * 0,3' },
  { label: 'The first of every month at 00:00 UTC', cron: '0 0 1 * *' },
];
const CUSTOM = 'custom';

export function BackupsSettingsDialog({ onClose }: { onClose: () => void }) {
  const form = useSettingsSection<BackupsSettings>('backups');
  const { value: v, set, errors } = form;
  const [secret, setSecret] = useState('');
  const [custom, setCustom] = useState(false);
  const [testing, setTesting] = useState(false);
  const toast = useToast();
  const preset = v && !custom && PRESETS.some((p) => p.cron === v.cron) ? v.cron : CUSTOM;
  const setS3 = (change: Partial<S3>) => v && set({ s3: { ...v.s3, ...change } });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!v) return;
    if (await form.save(secret ? { ...v, s3: { ...v.s3, secret } } : v)) onClose();
  };
  const test = async () => {
    setTesting(true);
    toast.clear();
    try {
      await pb.settings.testS3('backups');
      toast.success('The S3 bucket for backups answered.');
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setTesting(false);
    }
  };

  return (
    <Dialog title="Backups settings" onClose={onClose}>
      {v === undefined ? (form.loadError ? <Notice error={form.loadError} /> : <p>Loading…</p>) : (
        <form onSubmit={submit} aria-label="Backups settings" noValidate>
          <div className="form-field">
            <label htmlFor="backups-schedule">Automatic backups</label>
            <select id="backups-schedule" value={preset} onChange={(e) => {
              const next = e.target.value;
              setCustom(next === CUSTOM);
              if (next !== CUSTOM) set({ cron: next });
            }}>
              {PRESETS.map((p) => <option key={p.cron} value={p.cron}>{p.label}</option>)}
              <option value={CUSTOM}>Custom schedule (cron expression)</option>
            </select>
          </div>
          {preset === CUSTOM && (
            <FormField label="Cron expression (UTC)" value={v.cron} placeholder="0 3 * * *" onChange={(e) => set({ cron: e.target.value })}
              hint="Minute, hour, day of month, month, day of week." error={errors.cron} />
          )}
          {preset !== CUSTOM && errors.cron && <p className="error field-error">{errors.cron}</p>}
          <FormField label="Automatic backups to keep" type="number" min={1} value={v.cronMaxKeep}
            onChange={(e) => set({ cronMaxKeep: Number(e.target.value) })} error={errors.cronMaxKeep} hint="The oldest are deleted after each new one." />
          <fieldset className="backups-s3">
            <legend>Storage</legend>
            <CheckboxField label="Keep the backups in an S3 bucket" checked={v.s3.enabled} onChange={(enabled) => setS3({ enabled })} />
            {v.s3.enabled && (
              <div className="backups-s3-grid">
                <FormField label="Bucket" value={v.s3.bucket} onChange={(e) => setS3({ bucket: e.target.value })} error={errors['s3.bucket']} />
                <FormField label="Region" value={v.s3.region} onChange={(e) => setS3({ region: e.target.value })} error={errors['s3.region']} />
                <FormField label="Endpoint" value={v.s3.endpoint} placeholder="https://s3.example.com" onChange={(e) => setS3({ endpoint: e.target.value })} error={errors['s3.endpoint']} />
                <FormField label="Access key" autoComplete="off" value={v.s3.accessKey} onChange={(e) => setS3({ accessKey: e.target.value })} error={errors['s3.accessKey']} />
                <FormField label="Secret" type="password" autoComplete="new-password" value={secret} placeholder="unchanged"
                  onChange={(e) => setSecret(e.target.value)} hint="Leave empty to keep the current secret." error={errors['s3.secret']} />
                <CheckboxField label="Force path-style addressing" checked={v.s3.forcePathStyle} onChange={(forcePathStyle) => setS3({ forcePathStyle })} />
              </div>
            )}
            {!v.s3.enabled && <p className="muted">Without a bucket, backups are kept in the data directory's backups folder.</p>}
          </fieldset>
          <DialogActions>
            <Button variant="secondary" icon={PlugZap} disabled={testing || !v.s3.enabled} onClick={() => void test()}
              title="Tests the saved settings: save first">{testing ? 'Testing…' : 'Test the S3 bucket'}</Button>
            <Button variant="secondary" onClick={onClose}>Cancel</Button>
            <Button type="submit" icon={Check} disabled={form.busy}>Save changes</Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
