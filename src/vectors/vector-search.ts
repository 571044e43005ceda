/**
 * Nearest-neighbour search over a collection's vector field, under its list rule:
 * one statement whose WHERE clause holds the rule and the client's filter (compiled
 * by the filter language, as for a list) and whose `ORDER BY distance LIMIT k` ranks
 * only what passed them. The k answers are therefore the true k nearest among the
 * records the caller may see: never one they may not see, never fewer because of
 * filtering afterwards. Exact unless the field has an approximate index (pgvector HNSW).
 */
import type { Collection, BoundField } from '../core/collections/collection.js';
import type { Row, Store } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { forbidden } from '../core/errors.js';
import { accessCondition, ruleAccess, type Access, type AccessContext } from '../core/rules/rule-access.js';
import { SqlParams } from '../core/filter/sql-params.js';
import { selectList } from '../core/records/record-reader.js';
import { vectorBackingFor } from './backings.js';
import type { VectorIndexKind, VectorMetric } from './vector-backing.js';
import { vectorCopy, type VectorCopy } from './sqlite-vector-cache.js';
import { KERNELS, norm } from './distance.js';

export interface NearestQuery {
  field: BoundField;
  vector: readonly number[];
  k: number;
  filter: string;
}

export interface Hit {
  row: Row;
  /** Smaller is more similar; null when undefined (cosine with a zero vector). */
  distance: number | null;
}

/**
 * Who may search, and with what filter: the list rule (403 when superusers only), and a
 * client filter without `@collection.`/`@request.` unless a superuser's. Shared by every
 * search over a collection (chunks, full-text ranking of a hybrid search).
 */
export function searchAccess(collection: Collection, filter: string, ctx: AccessContext): Access {
  const access = ruleAccess(collection, 'listRule', ctx.auth);
  if (!ctx.auth.isSuperuser && /@collection\.|@request\./.test(filter))
    throw forbidden(`Only superusers can filter by ${filter.includes('@collection.') ? '@collection.' : '@request.'}`);
  return access;
}

/** The column alias of the distance; no field name can take it (names are \w+). */
const DISTANCE = '"@distance"';

/**
 * stamp: the collection's data version now (SQLite), which lets an exact search scan the
 * in-memory copy of the vectors (sqlite-vector-cache.ts) instead of the SQL function.
 */
export async function searchNearest(store: Store, collection: Collection, query: NearestQuery, ctx: AccessContext, stamp?: string): Promise<Hit[]> {
  const access = searchAccess(collection, query.filter, ctx);
  const backing = vectorBackingFor(collection.dialect, collection.features);
  const model = query.field.model;
  if (backing.name === 'blob' && stamp !== undefined && !collection.isView) {
    const copy = await vectorCopy(store, collection, model.name, model.dimensions as number, stamp);
    const hits = copy ? await searchCopy(store, collection, copy, query, access, ctx) : undefined;
    if (hits) return hits;
  }
  return backing.withQuery(query.vector, async (queryValue) => {
    const params = new SqlParams(collection.dialect);
    // The query vector is bound as the backing gives it (a handle on SQLite, text to cast on PostgreSQL).
    params.append([queryValue]);
    const placeholder = collection.dialect === 'sqlite' ? '@p1' : '$1';
    const column = `"_m".${quoteIdent(model.name)}`;
    const distance = backing.distance(column, model.distance as VectorMetric, model.dimensions as number, placeholder);
    const condition = accessCondition(collection, access, ctx, params, query.filter);
    const approximate = backing.name === 'pgvector' && (model.index as VectorIndexKind) === 'hnsw';
    // Exact answers break ties by insertion order, so equal distances come back in a stable order.
    const order = approximate || collection.isView ? DISTANCE : `${DISTANCE}, "_m".${collection.dialect === 'sqlite' ? 'rowid' : '"_rowid_"'}`;
    const sql = `SELECT ${selectList(collection, '_m')}, ${distance} AS ${DISTANCE} FROM ${quoteIdent(collection.name)} AS "_m" ` +
      `WHERE ${column} IS NOT NULL${condition ? ` AND (${condition})` : ''} ORDER BY ${order} LIMIT ${params.add(query.k, 'bigint')}`;
    const settings = approximate ? backing.searchSettings(query.k) : [];
    const rows = settings.length === 0 ? await store.all(sql, params.values) : await store.transaction(async (tx) => {
      for (const s of settings) await tx.exec(s);
      return tx.all(sql, params.values);
    });
    return rows.map((row) => {
      const d = Number(row['@distance']);
      return { row, distance: Number.isFinite(d) ? d : null };
    });
  });
}

/**
 * The exact k nearest from the in-memory copy: the rule and filter select the
 * candidates' rowids in SQL (nothing when they restrict nothing: every vector), the
 * copy ranks them, and the k rows are read. The copy matches the data version read just
 * before; a write committed by another process in the instants since is seen at the
 * next search, as any read racing a write. Undefined when one of the k rows is gone
 * meanwhile: the SQL path answers instead.
 */
async function searchCopy(store: Store, collection: Collection, copy: VectorCopy, query: NearestQuery, access: Access, ctx: AccessContext): Promise<Hit[] | undefined> {
  const model = query.field.model;
  const table = `${quoteIdent(collection.name)} AS "_m"`;
  const params = new SqlParams(collection.dialect);
  const condition = accessCondition(collection, access, ctx, params, query.filter);
  let slots: Iterable<number>;
  if (!condition) slots = copy.slotOf.values();
  else {
    // No `IS NOT NULL` here (it reads each row's vector): a rowid the copy lacks has no vector.
    const rows = await store.all(`SELECT "_m".rowid AS "r" FROM ${table} WHERE ${condition}`, params.values);
    const list: number[] = [];
    for (const row of rows) {
      const slot = copy.slotOf.get(Number(row.r));
      if (slot !== undefined) list.push(slot);
    }
    slots = list;
  }
  const q = Float32Array.from(query.vector);
  const qNorm = norm(q);
  const kernel = KERNELS[model.distance as VectorMetric];
  const dims = copy.dimensions;
  // The best k so far, sorted by (distance, rowid): ties keep insertion order, as the SQL path.
  const best: { d: number; r: number }[] = [];
  for (const slot of slots) {
    const d = kernel(copy.data, slot * dims, q, qNorm);
    const r = copy.rowids[slot]!;
    if (best.length === query.k) {
      const last = best[best.length - 1]!;
      if (d > last.d || (d === last.d && r > last.r)) continue;
      best.pop();
    }
    let i = best.length;
    while (i > 0 && (best[i - 1]!.d > d || (best[i - 1]!.d === d && best[i - 1]!.r > r))) i--;
    best.splice(i, 0, { d, r });
  }
  if (best.length === 0) return [];
  const fetch = new SqlParams(collection.dialect);
  const ids = best.map((b) => fetch.add(b.r, 'number')).join(', ');
  const rows = await store.all(`SELECT ${selectList(collection, '_m')}, "_m".rowid AS "@rowid" FROM ${table} WHERE "_m".rowid IN (${ids})`, fetch.values);
  const byRowid = new Map(rows.map((row) => [Number(row['@rowid']), row]));
  const hits: Hit[] = [];
  for (const b of best) {
    const row = byRowid.get(b.r);
    if (!row) return undefined;
    delete row['@rowid'];
    hits.push({ row, distance: Number.isFinite(b.d) ? b.d : null });
  }
  return hits;
}
