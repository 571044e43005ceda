/** Settings → Trusted proxy: which headers carry the client IP behind a reverse proxy. */
import { CheckboxField } from '../../components/FormField';
import { ListField } from './ListField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';

type TrustedProxy = { headers: string[]; useLeftmostIP: boolean };

export function TrustedProxySettings() {
  const form = useSettingsSection<TrustedProxy>('trustedProxy');
  const { value: v, set, errors } = form;
  const save = () => void form.save(v && { ...v, headers: v.headers.filter(Boolean) });
  return (
    <SettingsForm title="Trusted proxy" form={form} onSubmit={save}
      description="Only set these when Galley is behind a proxy that overwrites the headers; otherwise clients can fake their IP.">
      {v && (
        <>
          <ListField label="Client IP headers" prefix="headers" values={v.headers} errors={errors}
            onChange={(headers) => set({ headers })} hint="One per line, e.g. X-Forwarded-For or CF-Connecting-IP." />
          <CheckboxField label="Use the leftmost IP of the header" checked={v.useLeftmostIP} onChange={(useLeftmostIP) => set({ useLeftmostIP })} />
        </>
      )}
    </SettingsForm>
  );
}
