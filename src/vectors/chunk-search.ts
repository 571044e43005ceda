/**
 * Nearest chunks (docs/ai.md, "Chunks"): the chunks of a vector field's source texts
 * ranked by distance to a query vector, among the records the caller may list — the
 * list rule and the filter are the WHERE clause of the statement that ranks (the chunk
 * table joined to the record's table), as in searchNearest, so a record the caller may
 * not see never contributes a chunk and never takes a place among the k.
 * `nearestChunks` gives the k nearest chunks (several may come from one record: what
 * an answer quotes); `nearestByChunk` the k nearest records, each by its nearest chunk
 * (what the search endpoint lists). Distances come from the backing's SQL, or on
 * SQLite, given the collection's data version, from an in-memory copy of the chunk
 * table's vectors (sqlite-vector-cache.ts, as searchNearest does for records): the rule
 * and filter then select the candidate chunks' rowids in SQL, and the copy ranks them.
 */
import type { Collection, BoundField } from '../core/collections/collection.js';
import type { Row, Store } from '../store/store.js';
import { quoteIdent as q } from '../store/dialect.js';
import { badRequest } from '../core/errors.js';
import { accessCondition, type Access, type AccessContext } from '../core/rules/rule-access.js';
import { SqlParams } from '../core/filter/sql-params.js';
import { selectList } from '../core/records/record-reader.js';
import { vectorBackingFor } from './backings.js';
import type { VectorMetric } from './vector-backing.js';
import { searchAccess } from './vector-search.js';
import { chunkTableOf } from './chunk-table.js';
import { vectorSources } from './embedding-sources.js';
import { chunkVectorCopy, type VectorCopy } from './sqlite-vector-cache.js';
import { KERNELS, norm } from './distance.js';
import { rankChunksByIndex } from './chunk-index-search.js';

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
export async function nearestChunks(store: Store, collection: Collection, query: ChunkQuery, ctx: AccessContext, stamp?: string): Promise<ChunkHit[]> {
  const hits = await rankChunks(store, collection, query, ctx, false, stamp);
  return hits.filter((h): h is ChunkHit => h.distance !== null);
}

/**
 * The k nearest records, each ranked by (and given with) its nearest chunk.
 * stamp: the collection's data version now (SQLite), under which the in-memory copy may answer.
 */
export function nearestByChunk(store: Store, collection: Collection, query: ChunkQuery, ctx: AccessContext, stamp?: string): Promise<RankedChunk[]> {
  return rankChunks(store, collection, query, ctx, true, stamp);
}

/** A ranked chunk as the statements give it: record, seq, start, end, page, text, distance. */
type ChunkRow = Row & { r: unknown; s: unknown; a: unknown; b: unknown; p: unknown; t: unknown; d: unknown };

async function rankChunks(store: Store, collection: Collection, query: ChunkQuery, ctx: AccessContext, perRecord: boolean, stamp?: string): Promise<RankedChunk[]> {
  const model = query.field.model;
  const table = chunkTableOf(collection, model);
  if (!table) throw badRequest(`The field "${model.name}" has no chunks (it needs a source and an embedder).`);
  const access = searchAccess(collection, query.filter, ctx);
  const backing = vectorBackingFor(collection.dialect, collection.features);
  let ranked: Row[] | undefined;
  if (backing.name === 'blob' && stamp !== undefined) {
    const copy = await chunkVectorCopy(store, collection, table, model.dimensions as number, stamp);
    if (copy) ranked = await rankCopy(store, collection, table, copy, query, access, ctx, perRecord);
  }
  if (!ranked && backing.name === 'pgvector' && model.index === 'hnsw') ranked = await rankChunksByIndex(store, collection, table, backing, query, access, ctx, perRecord);
  ranked ??= await backing.withQuery(query.vector, async (queryValue) => {
    const params = new SqlParams(collection.dialect);
    params.append([queryValue]);
    const placeholder = collection.dialect === 'sqlite' ? '@p1' : '$1';
    const distance = backing.distance('"_c"."vector"', model.distance as VectorMetric, model.dimensions as number, placeholder);
    const condition = accessCondition(collection, access, ctx, params, query.filter);
    // The rule and filter select the records; only their chunks are ranked.
    const scored = `SELECT "_c"."record" AS "r", "_c"."seq" AS "s", "_c"."start" AS "a", "_c"."end" AS "b", "_c"."page" AS "p", "_c"."text" AS "t", ${distance} AS "d" ` +
      `FROM ${q(table)} AS "_c" JOIN ${q(collection.name)} AS "_m" ON "_m"."id" = "_c"."record" WHERE "_c"."vector" IS NOT NULL${condition ? ` AND (${condition})` : ''}`;
    // Per record: its nearest chunk only. SQLite: min() with bare columns (they come from the row
    // of the minimum: measured 3-4x faster than a window); PostgreSQL: DISTINCT ON.
    const source = !perRecord ? `(${scored})`
      : collection.dialect === 'sqlite'
        ? `(SELECT "r", "s", "a", "b", "p", "t", min("d") AS "d" FROM (${scored}) AS "_d" GROUP BY "r")`
        : `(SELECT DISTINCT ON ("r") * FROM (${scored}) AS "_d" ORDER BY "r", ("d" IS NULL), "d", "s")`;
    // Undefined distances last; ties in a stable order (record id, then position in the text).
    return store.all(`SELECT "r", "s", "a", "b", "p", "t", "d" FROM ${source} AS "_h" ORDER BY ("d" IS NULL), "d", "r", "s" LIMIT ${params.add(query.k, 'bigint')}`, params.values);
  });
  return withRecords(store, collection, model.id, ranked as ChunkRow[], ctx, perRecord);
}

/**
 * The ranking from the in-memory copy: candidates by the rule and filter in SQL (every
 * chunk when nothing restricts), distances in JavaScript, the best k (per record, or
 * chunks) kept in order (distance, record, position), then their rows read. Undefined
 * when a chunk is gone since the copy was made: the SQL path answers instead.
 */
async function rankCopy(store: Store, collection: Collection, table: string, copy: VectorCopy, query: ChunkQuery, access: Access, ctx: AccessContext, perRecord: boolean): Promise<Row[] | undefined> {
  const params = new SqlParams(collection.dialect);
  const condition = accessCondition(collection, access, ctx, params, query.filter);
  let slots: Iterable<number>;
  if (!condition) slots = copy.slotOf.values();
  else {
    const rows = await store.all(`SELECT "_c".rowid AS "r" FROM ${q(table)} AS "_c" JOIN ${q(collection.name)} AS "_m" ON "_m"."id" = "_c"."record" WHERE ${condition}`, params.values);
    const list: number[] = [];
    for (const row of rows) {
      const slot = copy.slotOf.get(Number(row.r));
      if (slot !== undefined) list.push(slot);
    }
    slots = list;
  }
  const v = Float32Array.from(query.vector);
  const vNorm = norm(v);
  const kernel = KERNELS[query.field.model.distance as VectorMetric];
  const records = copy.records!;
  // Slots are in rowid order: a record's chunks in seq order, so the first of equal distances is the lower seq.
  const before = (a: { d: number; slot: number }, b: { d: number; slot: number }) =>
    a.d < b.d || (a.d === b.d && (records[a.slot]! < records[b.slot]! || (records[a.slot] === records[b.slot] && a.slot < b.slot)));
  let candidates: Iterable<{ d: number; slot: number }>;
  if (perRecord) {
    const best = new Map<string, { d: number; slot: number }>();
    for (const slot of slots) {
      const d = kernel(copy.data, slot * copy.dimensions, v, vNorm);
      const r = records[slot]!;
      const known = best.get(r);
      if (!known || before({ d, slot }, known)) best.set(r, { d, slot });
    }
    candidates = best.values();
  } else {
    candidates = (function* () {
      for (const slot of slots) yield { d: kernel(copy.data, slot * copy.dimensions, v, vNorm), slot };
    })();
  }
  const top: { d: number; slot: number }[] = [];
  for (const c of candidates) {
    if (top.length === query.k && !before(c, top[top.length - 1]!)) continue;
    if (top.length === query.k) top.pop();
    let i = top.length;
    while (i > 0 && before(c, top[i - 1]!)) i--;
    top.splice(i, 0, c);
  }
  if (top.length === 0) return [];
  const fetch = new SqlParams(collection.dialect);
  const ids = top.map((t) => fetch.add(copy.rowids[t.slot]!, 'number')).join(', ');
  const rows = await store.all(`SELECT rowid AS "k", "record" AS "r", "seq" AS "s", "start" AS "a", "end" AS "b", "page" AS "p", "text" AS "t" FROM ${q(table)} WHERE rowid IN (${ids})`, fetch.values);
  const byRowid = new Map(rows.map((row) => [Number(row.k), row]));
  const out: Row[] = [];
  for (const t of top) {
    const row = byRowid.get(copy.rowids[t.slot]!);
    if (!row) return undefined;
    out.push({ ...row, d: Number.isFinite(t.d) ? t.d : null });
  }
  return out;
}

/** The ranked chunks with their records' rows (a record deleted meanwhile is left out). */
async function withRecords(store: Store, collection: Collection, fieldId: string, ranked: ChunkRow[], ctx: AccessContext, perRecord: boolean): Promise<RankedChunk[]> {
  if (ranked.length === 0) return [];
  const rows = await recordRows(store, collection, [...new Set(ranked.map((r) => String(r.r)))]);
  const sourceField = vectorSources(collection.model).find((s) => s.vector.id === fieldId)?.source;
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
