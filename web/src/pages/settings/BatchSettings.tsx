/** Settings → Batch: the `/api/batch` endpoint's switch and limits. */
import { CheckboxField, FormField } from '../../components/FormField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';

type Batch = { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number };

export function BatchSettings() {
  const form = useSettingsSection<Batch>('batch');
  const { value: v, set, errors } = form;
  return (
    <SettingsForm title="Batch API" form={form}>
      {v && (
        <>
          <CheckboxField label="Enable the batch API" checked={v.enabled} onChange={(enabled) => set({ enabled })} />
          <div className="settings-grid">
            <FormField label="Max requests per batch" type="number" min={1} value={v.maxRequests} onChange={(e) => set({ maxRequests: Number(e.target.value) })} error={errors.maxRequests} />
            <FormField label="Timeout (seconds)" type="number" min={1} value={v.timeout} onChange={(e) => set({ timeout: Number(e.target.value) })} error={errors.timeout} />
            <FormField label="Max body size (bytes, 0 = default)" type="number" min={0} value={v.maxBodySize} onChange={(e) => set({ maxBodySize: Number(e.target.value) })} error={errors.maxBodySize} />
          </div>
        </>
      )}
    </SettingsForm>
  );
}
