/**
 * Hybrid search (docs/ai.md, "Hybrid search"): the vector ranking and the collection's
 * full-text ranking (src/search: the engine's index condition and rank, as a list's
 * `search()` filter and `@rank` sort use them) fused by reciprocal rank fusion — a
 * record's score is the sum over the rankings it appears in of 1 / (60 + its rank),
 * so a record near the top of either ranking comes up, and one high in both first.
 * Both rankings run under the list rule and the filter, like every search.
 */
import type { Collection } from '../core/collections/collection.js';
import type { Store } from '../store/store.js';
import { quoteIdent as q } from '../store/dialect.js';
import { badRequest, fieldError } from '../core/errors.js';
import { accessCondition, type AccessContext } from '../core/rules/rule-access.js';
import { SqlParams } from '../core/filter/sql-params.js';
import { searchableFields } from '../search/options.js';
import { parseSearchQuery, SearchSyntaxError, type SearchQuery } from '../search/query.js';
import { searchIndexFor } from '../search/engines.js';
import type { SearchTarget } from '../search/search-index.js';
import { searchAccess } from './vector-search.js';

/** The rank constant of reciprocal rank fusion (the value of the paper and most systems). */
export const RRF_K = 60;

/** How many candidates each ranking gives the fusion, for k answers. */
export const candidatesFor = (k: number) => Math.min(1000, Math.max(60, k * 3));

/** The full-text target of a caller: every searchable field, hidden ones only for superusers (as search() does). */
export function fullTextTarget(collection: Collection, isSuperuser: boolean): SearchTarget {
  const searchable = searchableFields(collection.model);
  const fields = isSuperuser ? searchable : searchable.filter((f) => !f.hidden);
  if (!fields.length)
    throw badRequest('Invalid search request.', { mode: fieldError('validation_invalid_value', `Hybrid search needs full-text search, and the collection "${collection.name}" has no searchable fields (docs/search.md).`) });
  return { model: collection.model, alias: '_m', fields, all: fields.length === searchable.length };
}

/**
 * The text as a full-text query in which any word may match (a question's words are not
 * all in the passage that answers it; the rank favours records with more of them); a
 * text that is not a query is a 400 under `text`.
 */
export function fullTextQuery(text: string): SearchQuery {
  try {
    return { ...parseSearchQuery(text), any: true };
  } catch (err) {
    if (err instanceof SearchSyntaxError) throw badRequest('Invalid search request.', { text: fieldError('validation_invalid_value', `As a full-text query: ${err.message}.`) });
    throw err;
  }
}

/** The ids of the n best full-text matches among the records the caller may list, best first. */
export async function fullTextRanking(store: Store, collection: Collection, text: string, n: number, filter: string, ctx: AccessContext): Promise<string[]> {
  const target = fullTextTarget(collection, ctx.auth.isSuperuser);
  const query = fullTextQuery(text);
  const access = searchAccess(collection, filter, ctx);
  if (query.include.length === 0) return []; // only exclusions: nothing to rank by
  const index = searchIndexFor(collection.dialect);
  const params = new SqlParams(collection.dialect);
  const matches = index.condition(target, query, params);
  const rank = index.rank(target, query, params);
  const condition = accessCondition(collection, access, ctx, params, filter);
  const rows = await store.all(
    `SELECT "_m"."id" AS "id", ${rank} AS "@rank" FROM ${q(collection.name)} AS "_m" WHERE ${matches}${condition ? ` AND (${condition})` : ''} ` +
    `ORDER BY "@rank", "_m"."id" LIMIT ${params.add(n, 'bigint')}`,
    params.values,
  );
  return rows.map((r) => String(r.id));
}

/** Reciprocal rank fusion of rankings (ids, best first): [id, score], best first; ties keep the first ranking's order. */
export function fuseRankings(rankings: readonly (readonly string[])[]): [string, number][] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) ranking.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
  // Map order is first appearance: the vector ranking's, then new full-text ids; sort is stable.
  return [...scores].sort((a, b) => b[1] - a[1]);
}
