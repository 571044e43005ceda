/**
 * The AccessContext of an HTTP request: its auth, and `@request.*` data built only
 * when a rule or filter actually needs it (most requests never do).
 */
import type { FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import type { RequestData } from '../core/filter/request-data.js';

export function accessContext(request: FastifyRequest, core: GalleyCore, context = 'default'): AccessContext {
  return new HttpAccessContext(request, core.collections.registry, context);
}

/** A class, not an object literal with a getter: V8 builds those slowly, on every request. */
class HttpAccessContext implements AccessContext {
  readonly auth: AccessContext['auth'];
  private data: RequestData | undefined;

  constructor(
    private readonly http: FastifyRequest,
    readonly registry: AccessContext['registry'],
    private readonly context: string,
  ) {
    this.auth = http.auth;
  }

  get request(): RequestData {
    return (this.data ??= requestData(this.http, this.context));
  }
}

function first(v: unknown): string {
  return Array.isArray(v) ? String(v[0] ?? '') : String(v);
}

function requestData(request: FastifyRequest, context: string): RequestData {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // PocketBase exposes headers lower-cased in snake case: X-Token → x_token.
    if (value !== undefined) headers[name.toLowerCase().replace(/-/g, '_')] = first(value);
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) query[name] = first(value);
  }
  const auth = request.auth;
  return {
    context,
    method: request.method,
    headers,
    query,
    body: {},
    auth: auth.record,
    authCollection: auth.collection ? { id: auth.collection.id, name: auth.collection.name } : null,
  };
}
