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
import { accessCondition, ruleAccess, type AccessContext } from '../core/rules/rule-access.js';
import { SqlParams } from '../core/filter/sql-params.js';
import { selectList } from '../core/records/record-reader.js';
import { vectorBackingFor } from './backings.js';
import type { VectorIndexKind, VectorMetric } from './vector-backing.js';

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

/** The column alias of the distance; no field name can take it (names are \w+). */
const DISTANCE = '"@distance"';

export async function searchNearest(store: Store, collection: Collection, query: NearestQuery, ctx: AccessContext): Promise<Hit[]> {
  const access = ruleAccess(collection, 'listRule', ctx.auth);
  if (!ctx.auth.isSuperuser && /@collection\.|@request\./.test(query.filter))
    throw forbidden(`Only superusers can filter by ${query.filter.includes('@collection.') ? '@collection.' : '@request.'}`);
  const backing = vectorBackingFor(collection.dialect, collection.features);
  const model = query.field.model;
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
    const order = approximate ? DISTANCE : `${DISTANCE}, "_m".${collection.dialect === 'sqlite' ? 'rowid' : '"_rowid_"'}`;
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
