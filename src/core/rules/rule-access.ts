/**
 * Turns a collection's API rule into an access decision for one request (API spec
 * 2.1, 3.10): superusers pass, `null` is superusers-only, `""` is everyone, and any
 * other rule is a filter whose SQL condition is ANDed into the query.
 *
 * The filter language compiler is built by the filter/rules issue; until it lands, a
 * non-empty rule grants nothing (fail closed) rather than everything.
 */
import type { Collection } from '../collections/collection.js';
import type { RuleKey } from '../collections/model.js';
import type { RequestAuth } from '../auth/request-auth.js';
import { forbidden } from '../errors.js';

export type Access =
  | { kind: 'all' }
  /** A SQL condition over the collection's table, with its parameters. */
  | { kind: 'where'; sql: string; params: unknown[] };

const ALL: Access = { kind: 'all' };
const NONE: Access = { kind: 'where', sql: '1 = 0', params: [] };

export function ruleAccess(collection: Collection, key: RuleKey, auth: RequestAuth): Access {
  if (auth.isSuperuser) return ALL;
  const rule = (collection.model as unknown as Record<string, string | null | undefined>)[key];
  if (rule === null || rule === undefined) throw forbidden('Only superusers can perform this action.');
  if (rule.trim() === '') return ALL;
  return NONE;
}
