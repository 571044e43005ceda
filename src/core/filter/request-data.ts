/** What `@request.*` refers to in a filter or rule (API spec 3.3). */
export interface RequestData {
  context: string;
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The submitted body after modifier resolution (create/update rules), else {}. */
  body: Record<string, unknown>;
  /** The authenticated record's values (all fields), or null for guests. */
  auth: Record<string, unknown> | null;
  /** The authenticated record's collection id and name. */
  authCollection: { id: string; name: string } | null;
}

export const EMPTY_REQUEST: RequestData = {
  context: 'default', method: 'GET', headers: {}, query: {}, body: {}, auth: null, authCollection: null,
};

export type RequestArea = keyof RequestData;

/** A value read from the request; `found` tells a missing key from one holding null. */
export interface RequestRead {
  found: boolean;
  value: unknown;
}

const NOT_FOUND: RequestRead = { found: false, value: undefined };

/** The value at a key path inside one area of the request (`auth`, ["team"]). */
export function readRequest(data: RequestData, area: RequestArea, path: readonly string[]): RequestRead {
  let cur: unknown = data[area];
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return NOT_FOUND;
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}

/**
 * The request data with some values replaced. The others are read from base when
 * asked for, not copied: base may build them on demand (the HTTP request's headers).
 */
export function withRequest(base: RequestData, changes: Partial<RequestData>): RequestData {
  return new RequestDataWith(base, changes);
}

class RequestDataWith implements RequestData {
  constructor(private readonly base: RequestData, private readonly changes: Partial<RequestData>) {}
  get context() { return this.changes.context ?? this.base.context; }
  get method() { return this.changes.method ?? this.base.method; }
  get headers() { return this.changes.headers ?? this.base.headers; }
  get query() { return this.changes.query ?? this.base.query; }
  get body() { return this.changes.body ?? this.base.body; }
  get auth() { return 'auth' in this.changes ? this.changes.auth! : this.base.auth; }
  get authCollection() { return 'authCollection' in this.changes ? this.changes.authCollection! : this.base.authCollection; }
}
