/**
 * Nearest chunks (docs/ai.md, "Chunks"): the chunks of a vector field's source texts
 * ranked by distance to a query vector, among the records the caller may list — the
 * list rule and the filter are the WHERE clause of the statement that ranks (the chunk
 * table joined to the record's table), as in searchNearest, so a record the caller may
 * not see never contributes a chunk and never takes a place among the k.
 * `nearestChunks` gives the k nearest chunks (several may come from one record: what
 * an answer quotes); `nearestByChunk` the k nearest records, each by its nearest chunk
 * (what the search endpoint lists). Distances come from the backing's SQL (SQLite's
 * registered galley_vec_* functions: the in-memory copy of sqlite-vector-cache.ts holds
 * one vector per record, not chunks).
 */
import type { Collection, BoundField } from '../core/collections/collection.js';
import type { Row, Store } from '../store/store.js';
import { quoteIdent as q } from '../store/dialect.js';
import { badRequest } from '../core/errors.js';
import { accessCondition, type AccessContext } from '../core/rules/rule-access.js';
import { SqlParams } from '../core/filter/sql-params.js';
import { selectList } from '../core/records/record-reader.js';
import { vectorBackingFor } from './backings.js';
import type { VectorMetric } from './vector-backing.js';
import { searchAccess } from './vector-search.js';
import { chunkTableOf } from './chunk-table.js';
import { vectorSources } from './embedding-sources.js';

export interface ChunkRef { text: string; start: number; end: number; page: number | null }

export interface ChunkHit {
  recordId: string;
  /** The record row, as searchNearest gives it (for recordsJson). */
  row: Row;
  chunk: ChunkRef;
  distance: number;
}

/** As ChunkHit, with the distance null where it is undefined (cosine with a zero vector). */
export interface RankedChunk extends Omit<ChunkHit, 'distance'> { distance: number | null }

export interface ChunkQuery {
  field: BoundField;
  vector: readonly number[];
  k: number;
  filter: string;
}

/** Whether a vector field is embedded by chunks (it has a source and an embedder). */
export const hasChunks = (collection: Collection, field: BoundField) => chunkTableOf(collection, field.model) !== undefined;

/**
 * The k nearest chunks among the records the caller may list. A chunk's text is the
 * source field's: when that field is hidden and the caller is not a superuser, the
 * text is left empty (its offsets and page stay). Chunks of undefined distance are left out.
 */
export async function nearestChunks(store: Store, collection: Collection, query: ChunkQuery, ctx: AccessContext): Promise<ChunkHit[]> {
  const hits = await rankChunks(store, collection, query, ctx, false);
  return hits.filter((h): h is ChunkHit => h.distance !== null);
}

/** The k nearest records, each ranked by (and given with) its nearest chunk. */
export function nearestByChunk(store: Store, collection: Collection, query: ChunkQuery, ctx: AccessContext): Promise<RankedChunk[]> {
  return rankChunks(store, collection, query, ctx, true);
}

async function rankChunks(store: Store, collection: Collection, query: ChunkQuery, ctx: AccessContext, perRecord: boolean): Promise<RankedChunk[]> {
  const model = query.field.model;
  const table = chunkTableOf(collection, model);
  if (!table) throw badRequest(`The field "${model.name}" has no chunks (it needs a source and an embedder).`);
  const access = searchAccess(collection, query.filter, ctx);
  const backing = vectorBackingFor(collection.dialect, collection.features);
  const ranked = await backing.withQuery(query.vector, async (queryValue) => {
    const params = new SqlParams(collection.dialect);
    params.append([queryValue]);
    const placeholder = collection.dialect === 'sqlite' ? '@p1' : '$1';
    const distance = backing.distance('"_c"."vector"', model.distance as VectorMetric, model.dimensions as number, placeholder);
    const condition = accessCondition(collection, access, ctx, params, query.filter);
    // The rule and filter select the records; only their chunks are ranked.
    const scored = `SELECT "_c"."record" AS "r", "_c"."seq" AS "s", "_c"."start" AS "a", "_c"."end" AS "b", "_c"."page" AS "p", "_c"."text" AS "t", ${distance} AS "d" ` +
      `FROM ${q(table)} AS "_c" JOIN ${q(collection.name)} AS "_m" ON "_m"."id" = "_c"."record" WHERE "_c"."vector" IS NOT NULL${condition ? ` AND (${condition})` : ''}`;
    // Per record: its nearest chunk only. SQLite: min() with bare columns (they come from the row
    // of the minimum: measured 2x faster than a window); PostgreSQL: DISTINCT ON.
    const source = !perRecord ? `(${scored})`
      : collection.dialect === 'sqlite'
        ? `(SELECT "r", "s", "a", "b", "p", "t", min("d") AS "d" FROM (${scored}) AS "_d" GROUP BY "r")`
        : `(SELECT DISTINCT ON ("r") * FROM (${scored}) AS "_d" ORDER BY "r", ("d" IS NULL), "d", "s")`;
    // Undefined distances last; ties in a stable order (record id, then position in the text).
    return store.all(`SELECT "r", "s", "a", "b", "p", "t", "d" FROM ${source} AS "_h" ORDER BY ("d" IS NULL), "d", "r", "s" LIMIT ${params.add(query.k, 'bigint')}`, params.values);
  });
  if (ranked.length === 0) return [];
  const rows = await recordRows(store, collection, [...new Set(ranked.map((r) => String(r.r)))]);
  const sourceField = vectorSources(collection.model).find((s) => s.vector.id === model.id)?.source;
  const textHidden = !!sourceField?.hidden && !ctx.auth.isSuperuser;
  const out: RankedChunk[] = [];
  for (const r of ranked) {
    const row = rows.get(String(r.r));
    if (!row) continue; // deleted since it was ranked
    const d = r.d === null ? NaN : Number(r.d);
    out.push({
      recordId: String(r.r),
      row: perRecord ? row : { ...row },
      chunk: { text: textHidden ? '' : String(r.t), start: Number(r.a), end: Number(r.b), page: r.p === null || r.p === undefined ? null : Number(r.p) },
      distance: Number.isFinite(d) ? d : null,
    });
  }
  return out;
}

/** The rows of the given records (read as the record reader selects them), by id. */
export async function recordRows(store: Store, collection: Collection, ids: readonly string[]): Promise<Map<string, Row>> {
  if (!ids.length) return new Map();
  const params = new SqlParams(collection.dialect);
  const list = ids.map((id) => params.add(id)).join(', ');
  const rows = await store.all(`SELECT ${selectList(collection, '_m')} FROM ${q(collection.name)} AS "_m" WHERE "_m"."id" IN (${list})`, params.values);
  return new Map(rows.map((row) => [String(row.id), row]));
}
