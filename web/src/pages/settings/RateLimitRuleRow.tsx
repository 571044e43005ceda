/** One editable row of the rate-limit rules table, errors under each cell (`rules.0.label`). */
import { X } from 'lucide-react';
import { Button } from '../../ui/Button';

export type RateLimitRule = { label: string; audience: string; duration: number; maxRequests: number };

type Props = { index: number; rule: RateLimitRule; errors: Record<string, string>; onChange: (rule: RateLimitRule) => void; onRemove: () => void };

export function RateLimitRuleRow({ index, rule, errors, onChange, onRemove }: Props) {
  const err = (field: string) => errors[`rules.${index}.${field}`];
  const n = index + 1;
  return (
    <tr>
      <td>
        <input aria-label={`Rule ${n} label`} value={rule.label} onChange={(e) => onChange({ ...rule, label: e.target.value })} />
        {err('label') && <span className="error field-error">{err('label')}</span>}
      </td>
      <td>
        <select aria-label={`Rule ${n} audience`} value={rule.audience} onChange={(e) => onChange({ ...rule, audience: e.target.value })}>
          <option value="">Everyone</option>
          <option value="@guest">Guests</option>
          <option value="@auth">Signed in</option>
        </select>
        {err('audience') && <span className="error field-error">{err('audience')}</span>}
      </td>
      <td>
        <input aria-label={`Rule ${n} seconds`} type="number" min={1} value={rule.duration} onChange={(e) => onChange({ ...rule, duration: Number(e.target.value) })} />
        {err('duration') && <span className="error field-error">{err('duration')}</span>}
      </td>
      <td>
        <input aria-label={`Rule ${n} max requests`} type="number" min={1} value={rule.maxRequests} onChange={(e) => onChange({ ...rule, maxRequests: Number(e.target.value) })} />
        {err('maxRequests') && <span className="error field-error">{err('maxRequests')}</span>}
      </td>
      <td><Button variant="danger-ghost" small icon={X} onClick={onRemove} label={`Remove rule ${n}`} /></td>
    </tr>
  );
}
