/** OAuth2 providers of an auth collection. The client secret is write-only: the API never returns it, and an empty one keeps the stored secret. */
import { TextInput } from './inputs';
import type { Errors } from './model';

export type Provider = Record<string, unknown> & { name: string; clientId: string; clientSecret?: string };

export function OAuth2Providers({ providers, errors, onChange }: { providers: Provider[]; errors: Errors; onChange: (p: Provider[]) => void }) {
  const set = (i: number, patch: Partial<Provider>) => onChange(providers.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const e = (i: number, k: string) => errors[`${i}.${k}`];
  return (
    <div>
      {providers.map((p, i) => (
        <fieldset key={i} className="col-provider">
          <legend>{p.name || 'New provider'}</legend>
          <TextInput label="Provider name" value={p.name} onChange={(v) => set(i, { name: v })} error={e(i, 'name')} placeholder="google, github, oidc…" />
          <TextInput label="Client ID" value={p.clientId} onChange={(v) => set(i, { clientId: v })} error={e(i, 'clientId')} />
          <TextInput label="Client secret" type="password" value={p.clientSecret ?? ''} onChange={(v) => set(i, { clientSecret: v })} error={e(i, 'clientSecret')} placeholder="Unchanged (write-only)" />
          <TextInput label="Auth URL" value={String(p.authURL ?? '')} onChange={(v) => set(i, { authURL: v })} error={e(i, 'authURL')} hint="Only for custom (OIDC) providers." />
          <TextInput label="Token URL" value={String(p.tokenURL ?? '')} onChange={(v) => set(i, { tokenURL: v })} error={e(i, 'tokenURL')} />
          <TextInput label="User info URL" value={String(p.userInfoURL ?? '')} onChange={(v) => set(i, { userInfoURL: v })} error={e(i, 'userInfoURL')} />
          <button type="button" className="danger small" onClick={() => onChange(providers.filter((_, j) => j !== i))}>Remove provider</button>
        </fieldset>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...providers, { name: '', clientId: '', clientSecret: '' }])}>Add provider</button>
    </div>
  );
}
