/**
 * The `sort` query parameter resolved against the collection's fields into an
 * ORDER BY clause: direct fields, relation paths (a scalar subquery over the same
 * joins a filter would use), `@random`, `@rowid` and `@rank` (the relevance of the
 * filter's search()). Only resolved names reach SQL;
 * anything else is a 400.
 */
import type { Collection } from '../collections/collection.js';
import { quoteIdent } from '../../store/dialect.js';
import { badRequest } from '../errors.js';
import type { AccessContext } from '../rules/rule-access.js';
import { SqlParams } from '../filter/sql-params.js';
import { AliasCounter, JoinScope } from '../filter/join-scope.js';
import { resolveFieldPath } from '../filter/resolve-field-path.js';
import { FilterError, printable } from '../filter/filter-error.js';
import { MAIN_ALIAS } from '../filter/compile-context.js';
import { parseCached } from '../filter/condition.js';
import { firstSearchCall, searchRank } from '../filter/search-function.js';

const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 255;

/**
 * params: where relation-path and `@rank` sorts put their parameters (needed only for those);
 * filter: the client's filter, whose first search() `@rank` orders by (best first).
 */
export function orderBySql(collection: Collection, sort: string, ctx: AccessContext, params?: SqlParams, filter = ''): string {
  const dialect = collection.dialect;
  // _rowid_ rather than rowid: a user field may be called "rowid", never "_rowid_".
  // Views have no insertion order of their own: they page by id.
  const rowid = collection.isView ? '"id"' : dialect === 'sqlite' ? '_rowid_' : '"_rowid_"';
  const terms = sort.split(',').map((t) => t.trim()).filter(Boolean);
  if (terms.length > MAX_TERMS) throw badRequest(`Invalid sort: at most ${MAX_TERMS} sort terms are allowed.`);
  const parts: string[] = [];
  let hasRowid = false;
  for (const term of terms) {
    if (term.length > MAX_TERM_LENGTH) throw badRequest(`Invalid sort: the term "${printable(term.slice(0, 20))}…" is too long.`);
    const desc = term.startsWith('-');
    const name = term.replace(/^[-+]/, '');
    const dir = desc ? 'DESC' : 'ASC';
    if (name === '@random') { parts.push(dialect === 'sqlite' ? 'RANDOM()' : 'random()'); continue; }
    if (name === '@rowid') { parts.push(`${rowid} ${dir}`); hasRowid = true; continue; }
    if (name === '@rank') { parts.push(`${rankSql(collection, filter, ctx, params)} ${dir}`); continue; }
    if (name.includes('.') || name.includes(':')) {
      // A path may reach no row (NULL): SQLite orders NULL first, PostgreSQL last unless told.
      const nulls = dialect === 'postgres' ? (desc ? ' NULLS LAST' : ' NULLS FIRST') : '';
      parts.push(`${pathSort(collection, name, ctx, params)} ${dir}${nulls}`);
      continue;
    }
    const field = collection.field(name);
    const secret = collection.isAuth && (name === 'password' || name === 'tokenKey');
    if (!field || field.model.type === 'password' || ((field.model.hidden || secret) && !ctx.auth.isSuperuser))
      throw badRequest(`Invalid sort field "${printable(name)}".`);
    // An auth email orders only the rows whose email the caller may see (3.8); the rest
    // sort as empty, so comparisons with a known email cannot reveal a hidden one.
    const visibleOnly = collection.isAuth && name === 'email' && !ctx.auth.isSuperuser;
    parts.push(visibleOnly ? `${guarded(`"emailVisibility" = TRUE`, quoteIdent(name))} ${dir}` : `${quoteIdent(name)} ${dir}`);
  }
  // Ties (and no sort at all) fall back to insertion order, so paging is stable.
  if (!hasRowid) parts.push(`${rowid} ASC`);
  return parts.join(', ');
}

/** The relevance of the filter's first search(), smaller is better (docs/search.md). */
function rankSql(collection: Collection, filter: string, ctx: AccessContext, params = new SqlParams(collection.dialect)): string {
  let call;
  try {
    call = filter.trim() ? firstSearchCall(parseCached(filter)) : undefined;
  } catch (err) {
    if (!(err instanceof FilterError)) throw err; // the filter's own error is reported by the filter
  }
  if (!call) throw badRequest('Invalid sort: @rank orders by relevance and needs a search() in the filter.');
  try {
    return searchRank(call, { collection, alias: MAIN_ALIAS }, {
      registry: ctx.registry, dialect: collection.dialect, params, request: ctx.request, isSuperuser: ctx.auth.isSuperuser, client: true,
    });
  } catch (err) {
    if (err instanceof FilterError) throw badRequest(`Invalid sort "@rank": ${printable(err.message)}.`);
    throw err;
  }
}

/** The value where `condition` holds, else the empty string (not NULL: both engines order it alike). */
const guarded = (condition: string, value: string) => `(CASE WHEN ${condition} THEN ${value} ELSE '' END)`;

function pathSort(collection: Collection, name: string, ctx: AccessContext, params = new SqlParams(collection.dialect)): string {
  const scope = new JoinScope(new AliasCounter());
  try {
    const operand = resolveFieldPath(name, 0, { collection, alias: MAIN_ALIAS }, scope, {
      registry: ctx.registry, dialect: collection.dialect, params, request: ctx.request, isSuperuser: ctx.auth.isSuperuser, client: true,
    });
    const value = operand.guard ? guarded(operand.guard, operand.sql) : operand.sql;
    return `(SELECT ${value} FROM (SELECT 1) AS "_base" ${scope.joins.join(' ')} LIMIT 1)`;
  } catch (err) {
    if (err instanceof FilterError) throw badRequest(`Invalid sort field "${printable(name)}": ${printable(err.message)}.`);
    throw err;
  }
}
