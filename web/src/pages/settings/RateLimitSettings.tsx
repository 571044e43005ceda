/** Settings → Rate limits: on/off and the rules table (label, audience, window, max requests). */
import { Plus } from 'lucide-react';
import { CheckboxField } from '../../components/FormField';
import { Button } from '../../ui/Button';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';
import { RateLimitRuleRow, type RateLimitRule } from './RateLimitRuleRow';

type RateLimits = { enabled: boolean; rules: RateLimitRule[]; excludedIPs: string[] };

export function RateLimitSettings() {
  const form = useSettingsSection<RateLimits>('rateLimits');
  const { value: v, set, errors } = form;
  const setRule = (i: number, rule: RateLimitRule) => v && set({ rules: v.rules.map((r, j) => (j === i ? rule : r)) });
  return (
    <SettingsForm title="Rate limits" form={form} description="Requests per client IP in a fixed window; the first matching rule applies.">
      {v && (
        <>
          <CheckboxField label="Enable rate limiting" checked={v.enabled} onChange={(enabled) => set({ enabled })} />
          <div className="table-scroll">
            <table className="settings-table">
              <caption className="muted">Labels: a path prefix (/api/), a method and path (POST /api/batch) or a tag (*:auth, users:create).</caption>
              <thead><tr><th scope="col">Label</th><th scope="col">Audience</th><th scope="col">Seconds</th><th scope="col">Max requests</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {v.rules.map((rule, i) => (
                  <RateLimitRuleRow key={i} index={i} rule={rule} errors={errors} onChange={(r) => setRule(i, r)}
                    onRemove={() => set({ rules: v.rules.filter((_, j) => j !== i) })} />
                ))}
              </tbody>
            </table>
          </div>
          {errors.rules && <p className="error field-error">{errors.rules}</p>}
          <Button variant="secondary" icon={Plus} onClick={() => set({ rules: [...v.rules, { label: '', audience: '', duration: 10, maxRequests: 100 }] })}>
            Add rule
          </Button>
        </>
      )}
    </SettingsForm>
  );
}
