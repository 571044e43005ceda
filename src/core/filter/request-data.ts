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
