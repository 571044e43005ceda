/**
 * Settings → Superuser IPs: the allow-list for superuser requests (an array section).
 * A wrong list locks you out; `galley superuser ips --clear` is the way back in.
 */
import { ListField } from './ListField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';

export function SuperuserIpsSettings() {
  const form = useSettingsSection<string[]>('superuserIPs');
  const ips = form.value;
  return (
    <SettingsForm title="Superuser IPs" form={form} onSubmit={() => void form.save(ips?.filter(Boolean))}
      description="When not empty, superuser requests from other addresses are refused. If you lock yourself out, run `galley superuser ips --clear`.">
      {ips && <ListField label="Allowed IPs or CIDRs" prefix="" values={ips} errors={form.errors} hint="One per line, e.g. 10.0.0.0/8." onChange={form.replace} />}
    </SettingsForm>
  );
}
