/**
 * The playground's requests, made as the identity it acts as: a guest (no token), the
 * signed-in superuser, or an auth record through an impersonation token. They go with
 * `fetch` and that identity's token only — never the dashboard's own client, which
 * would add the superuser's token — so the collection's rules apply as they would to
 * that user. Errors come back as the API's `{status, message, data}`.
 */
import { pb } from '../lib/api';

export type Identity =
  | { kind: 'guest' }
  | { kind: 'superuser'; label: string }
  | { kind: 'record'; collection: string; id: string; label: string; token: string };

export function identityLabel(who: Identity): string {
  if (who.kind === 'guest') return 'Guest (no token)';
  if (who.kind === 'superuser') return `Superuser ${who.label} (rules bypassed)`;
  return `${who.label} (${who.collection})`;
}

/** The API's error for a failed request (its message, or the status when the body is not the API's). */
export class ActingError extends Error {
  constructor(readonly status: number, message: string, readonly data: Record<string, unknown> = {}) { super(message); }
}

function tokenOf(who: Identity): string {
  if (who.kind === 'record') return who.token;
  // The superuser identity is chosen explicitly: it uses the dashboard's own token.
  if (who.kind === 'superuser') return pb.authStore.token;
  return '';
}

/** POSTs JSON to `path` as `who`; resolves the Response when it is 2xx, else throws the API's error. */
export async function postAs(who: Identity, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const token = tokenOf(who);
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
    signal,
  });
  if (res.ok) return res;
  let message = `The server answered ${res.status}.`;
  let data: Record<string, unknown> = {};
  try {
    const err = (await res.json()) as { message?: string; data?: Record<string, unknown> };
    if (err.message) message = err.message;
    data = err.data ?? {};
  } catch {
    // not the API's JSON body: the status says enough
  }
  throw new ActingError(res.status, message, data);
}

/** One line per field error of an ActingError (`k: Must be at most 50.`), for showing under the form. */
export function fieldMessages(err: unknown): string[] {
  if (!(err instanceof ActingError)) return [];
  return Object.entries(err.data).flatMap(([key, v]) => {
    const m = (v as { message?: unknown } | null)?.message;
    return typeof m === 'string' ? [`${key}: ${m}`] : [];
  });
}
