/**
 * A realtime subscription string (API spec 6.3): `COLLECTION/*`, `COLLECTION/ID` or
 * the deprecated `COLLECTION`, with optional `?options=<url-encoded JSON>` carrying
 * `query` and `headers` for the rule and for expand/fields/filter. Any other string
 * is kept as given (custom topics such as `@oauth2`) and simply matches no record.
 */
export interface Subscription {
  /** Exactly as submitted: it is also the event name of every message it receives. */
  raw: string;
  /** Collection name or id. */
  collection: string;
  /** A record id, or null for the whole collection. */
  recordId: string | null;
  query: Record<string, string>;
  /** Lower-cased snake_case names, as `@request.headers.*` sees them. */
  headers: Record<string, string>;
}

export function parseSubscription(raw: string): Subscription {
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const options = q === -1 ? { query: {}, headers: {} } : parseOptions(raw.slice(q + 1));
  const slash = path.indexOf('/');
  const collection = slash === -1 ? path : path.slice(0, slash);
  const rest = slash === -1 ? '*' : path.slice(slash + 1);
  return { raw, collection, recordId: rest === '*' ? null : rest, ...options };
}

function parseOptions(search: string): Pick<Subscription, 'query' | 'headers'> {
  const none = { query: {}, headers: {} };
  const json = new URLSearchParams(search).get('options');
  if (!json) return none;
  try {
    const parsed = JSON.parse(json) as { query?: unknown; headers?: unknown };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(stringMap(parsed?.headers)))
      headers[name.toLowerCase().replace(/-/g, '_')] = value;
    return { query: stringMap(parsed?.query), headers };
  } catch {
    // Unreadable options are ignored, as PocketBase does: the topic itself still counts.
    return none;
  }
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}
