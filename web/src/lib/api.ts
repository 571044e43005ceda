/**
 * The dashboard's one API client: the official `pocketbase` SDK against the server that
 * serves the dashboard, signed in as a superuser. The token lives in localStorage under
 * the dashboard's own key (same origin only: no other origin can read it).
 */
import PocketBase, { LocalAuthStore, ClientResponseError } from 'pocketbase';

export const pb = new PocketBase(window.location.origin, new LocalAuthStore('galley_superuser_auth'));
pb.autoCancellation(false);

export { ClientResponseError };

/** Field errors of an API error, keyed by field path (`fields.0.name`), for showing next to inputs. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ClientResponseError)) return out;
  const walk = (data: unknown, path: string) => {
    if (!data || typeof data !== 'object') return;
    const d = data as Record<string, unknown>;
    if (typeof d.code === 'string' && typeof d.message === 'string') {
      out[path] = d.message;
      return;
    }
    for (const [k, v] of Object.entries(d)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(err.response?.data, '');
  return out;
}

/** A one-line message for an error (the API's message when there is one). */
export function errorMessage(err: unknown): string {
  if (err instanceof ClientResponseError) return err.response?.message || err.message;
  return err instanceof Error ? err.message : String(err);
}
