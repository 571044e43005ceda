/** Settings → Application: the `meta` section (name, URL used in email links, sender). */
import { FormField } from '../../components/FormField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';

type Meta = { appName: string; appURL: string; senderName: string; senderAddress: string };

export function ApplicationSettings() {
  const form = useSettingsSection<Meta>('meta');
  const { value: v, set, errors } = form;
  return (
    <SettingsForm title="Application" form={form}>
      {v && (
        <>
          <FormField label="Application name" required value={v.appName} onChange={(e) => set({ appName: e.target.value })} error={errors.appName} />
          <FormField label="Application URL" type="url" required value={v.appURL} onChange={(e) => set({ appURL: e.target.value })} error={errors.appURL}
            hint="Used in the links of auth emails." />
          <FormField label="Sender name" required value={v.senderName} onChange={(e) => set({ senderName: e.target.value })} error={errors.senderName} />
          <FormField label="Sender address" type="email" required value={v.senderAddress} onChange={(e) => set({ senderAddress: e.target.value })} error={errors.senderAddress} />
        </>
      )}
    </SettingsForm>
  );
}
