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
    return (this.data ??= new HttpRequestData(this.http, this.context));
  }
}

function first(v: unknown): string {
  return Array.isArray(v) ? String(v[0] ?? '') : String(v);
}

/** `@request.*` of an HTTP request; headers and query are copied only when a rule reads them. */
class HttpRequestData implements RequestData {
  readonly method: string;
  readonly body: Record<string, unknown> = {};
  readonly auth: RequestData['auth'];
  readonly authCollection: RequestData['authCollection'];
  private headerBag: Record<string, string> | undefined;
  private queryBag: Record<string, string> | undefined;

  constructor(private readonly http: FastifyRequest, readonly context: string) {
    this.method = http.method;
    const auth = http.auth;
    this.auth = auth.record;
    this.authCollection = auth.collection ? { id: auth.collection.id, name: auth.collection.name } : null;
  }

  get headers(): Record<string, string> {
    if (!this.headerBag) {
      this.headerBag = {};
      for (const [name, value] of Object.entries(this.http.headers)) {
        // PocketBase exposes headers lower-cased in snake case: X-Token → x_token.
        if (value !== undefined) this.headerBag[name.toLowerCase().replace(/-/g, '_')] = first(value);
      }
    }
    return this.headerBag;
  }

  get query(): Record<string, string> {
    if (!this.queryBag) {
      this.queryBag = {};
      for (const [name, value] of Object.entries((this.http.query ?? {}) as Record<string, unknown>)) {
        if (value !== undefined) this.queryBag[name] = first(value);
      }
    }
    return this.queryBag;
  }
}
