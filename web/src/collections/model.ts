/**
 * The collection editor's draft: the API's collection JSON as plain objects. Fields
 * keep their server id so a rename stays a rename (a field without id is new).
 */
export type CollectionType = 'base' | 'auth' | 'view';

export interface Field {
  id?: string;
  name: string;
  type: string;
  system?: boolean;
  hidden?: boolean;
  presentable?: boolean;
  required?: boolean;
  [option: string]: unknown;
}

export type RuleKey = 'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule' | 'authRule' | 'manageRule';

export interface Draft {
  id?: string;
  name: string;
  type: CollectionType;
  system?: boolean;
  fields: Field[];
  indexes: string[];
  viewQuery?: string;
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  authRule?: string | null;
  manageRule?: string | null;
  [option: string]: unknown;
}

/** Errors keyed by API path (`fields.3.name`, `listRule`, `oauth2.providers.0.clientId`). */
export type Errors = Record<string, string>;

/** The errors under a prefix, with the prefix removed. */
export function errorsUnder(errors: Errors, prefix: string): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
  return out;
}
