/** The API rules of a collection (plus authRule/manageRule for auth collections). */
import type { Context } from './rule-suggestions';
import { RuleInput } from './RuleInput';
import type { Draft, Errors, RuleKey } from './model';

const BASE_RULES: [RuleKey, string][] = [
  ['listRule', 'List rule'], ['viewRule', 'View rule'], ['createRule', 'Create rule'], ['updateRule', 'Update rule'], ['deleteRule', 'Delete rule'],
];
const AUTH_RULES: [RuleKey, string][] = [['authRule', 'Auth rule'], ['manageRule', 'Manage rule']];

export function RulesEditor({ draft, errors, ctx, onChange }: { draft: Draft; errors: Errors; ctx: Context; onChange: (key: RuleKey, v: string | null) => void }) {
  const view = draft.type === 'view';
  const keys = draft.type === 'auth' ? [...BASE_RULES, ...AUTH_RULES] : view ? BASE_RULES.slice(0, 2) : BASE_RULES;
  return (
    <section aria-label="API rules">
      <p className="muted">Locked: superusers only. Empty: everyone. Otherwise a filter such as <code>@request.auth.id != ""</code>; superusers bypass every rule.</p>
      {draft.system && <p className="muted">System collections' rules cannot be changed.</p>}
      {keys.map(([key, label]) => (
        <RuleInput
          key={key}
          id={`rule-${key}`}
          label={label}
          value={(draft[key] as string | null | undefined) ?? null}
          onChange={(v) => onChange(key, v)}
          ctx={ctx}
          apiError={errors[key]}
          disabled={draft.system}
          hint={key === 'manageRule' ? 'Who may manage other users (cannot be empty).' : key === 'authRule' ? 'Checked after every sign-in, e.g. verified = true.' : undefined}
        />
      ))}
    </section>
  );
}
