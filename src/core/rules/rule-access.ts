/**
 * Turns a collection's API rule into an access decision for one request (API spec
 * 2.1, 3.10): superusers pass, `null` is superusers-only (403), `""` is everyone,
 * and any other rule is a filter compiled into the query's WHERE clause — never a
 * second query per record.
 */
import type { Collection } from '../collections/collection.js';
import type { CollectionRegistry } from '../collections/registry.js';
import type { RuleKey } from '../collections/model.js';
import type { RequestAuth } from '../auth/request-auth.js';
import { ApiError, forbidden } from '../errors.js';
import { PartError, type ConditionPart } from '../filter/condition.js';
import { compileConditionCached } from '../filter/condition-cache.js';
import { TRUE_SQL } from '../filter/compile.js';
import { printable } from '../filter/filter-error.js';
import { EMPTY_REQUEST, type RequestData } from '../filter/request-data.js';
import type { SqlParams } from '../filter/sql-params.js';

export type Access = { kind: 'all' } | { kind: 'rule'; rule: string };

/** Who asks, and what their request carries for `@request.*`. */
export interface AccessContext {
  auth: RequestAuth;
  request: RequestData;
  registry: CollectionRegistry;
}

const ALL: Access = { kind: 'all' };

/** For work Galley does itself (CLI, internal jobs): the given auth, no request data. */
export function systemAccess(registry: CollectionRegistry, auth: RequestAuth): AccessContext {
  return { auth, registry, request: EMPTY_REQUEST };
}

export function ruleAccess(collection: Collection, key: RuleKey, auth: RequestAuth): Access {
  if (auth.isSuperuser) return ALL;
  const rule = (collection.model as unknown as Record<string, string | null | undefined>)[key];
  if (rule === null || rule === undefined) throw forbidden('Only superusers can perform this action.');
  if (rule.trim() === '') return ALL;
  return { kind: 'rule', rule };
}

/**
 * The SQL condition (over alias "_m") for an access decision and an optional client
 * filter, or undefined when nothing restricts the query.
 */
export function accessCondition(collection: Collection, access: Access, ctx: AccessContext, params: SqlParams, filter = ''): string | undefined {
  const parts: ConditionPart[] = [];
  if (access.kind === 'rule') parts.push({ source: access.rule, client: false });
  if (filter.trim() !== '') parts.push({ source: filter, client: true });
  if (parts.length === 0) return undefined;
  try {
    const sql = compileConditionCached(collection, parts, { registry: ctx.registry, params, request: ctx.request, isSuperuser: ctx.auth.isSuperuser });
    // A rule and filter that hold for every row (`@request.auth.id != ""` when signed in): no WHERE at all.
    return sql === TRUE_SQL ? undefined : sql;
  } catch (err) {
    if (!(err instanceof PartError)) throw err;
    // Rules are checked when saved; a rule broken since (a field it names was removed) is a 400, not a 500.
    const inFilter = parts[err.part]!.client;
    // The message may quote the client's text (a literal, a character): kept on one line.
    const message = printable(err.message);
    throw new ApiError(400, inFilter ? `Invalid filter: ${message}` : `The collection's API rule is invalid: ${message}`);
  }
}
