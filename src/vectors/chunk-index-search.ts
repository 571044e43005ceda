/**
 * Chunks ranked through pgvector's HNSW index (a vector field with `index: "hnsw"`,
 * docs/ai.md): the statement orders by the distance alone, so the index answers, and
 * scans it iteratively (`hnsw.iterative_scan`) until enough chunks pass the rule and the
 * filter, as searchNearest does for records' own vectors. Approximate, like the index.
 * Per record (the search endpoint), the nearest chunks are fetched in growing numbers
 * until k distinct records are covered or no more chunks come.
 */
import type { Collection } from '../core/collections/collection.js';
import type { Row, Store } from '../store/store.js';
import { quoteIdent as q } from '../store/dialect.js';
import { accessCondition, type Access, type AccessContext } from '../core/rules/rule-access.js';
import { SqlParams } from '../core/filter/sql-params.js';
import type { VectorBacking, VectorMetric } from './vector-backing.js';
import type { ChunkQuery } from './chunk-search.js';

/** Chunks read at most for one per-record search (k records may need many chunks each). */
const MAX_CHUNKS = 4096;

export function rankChunksByIndex(store: Store, collection: Collection, table: string, backing: VectorBacking, query: ChunkQuery, access: Access, ctx: AccessContext, perRecord: boolean): Promise<Row[]> {
  const model = query.field.model;
  return backing.withQuery(query.vector, async (queryValue) => {
    for (let limit = perRecord ? query.k * 4 : query.k; ; limit = Math.min(MAX_CHUNKS, limit * 4)) {
      const params = new SqlParams(collection.dialect);
      params.append([queryValue]);
      const distance = backing.distance('"_c"."vector"', model.distance as VectorMetric, model.dimensions as number, '$1');
      const condition = accessCondition(collection, access, ctx, params, query.filter);
      const sql = `SELECT "_c"."record" AS "r", "_c"."seq" AS "s", "_c"."start" AS "a", "_c"."end" AS "b", "_c"."page" AS "p", "_c"."text" AS "t", ${distance} AS "d" ` +
        `FROM ${q(table)} AS "_c" JOIN ${q(collection.name)} AS "_m" ON "_m"."id" = "_c"."record" WHERE "_c"."vector" IS NOT NULL${condition ? ` AND (${condition})` : ''} ` +
        `ORDER BY ${distance} LIMIT ${params.add(limit, 'bigint')}`;
      const rows = await store.transaction(async (tx) => {
        for (const s of backing.searchSettings(limit)) await tx.exec(s);
        return tx.all(sql, params.values);
      });
      if (!perRecord) return rows;
      const nearest = new Map<string, Row>();
      for (const row of rows) if (!nearest.has(String(row.r))) nearest.set(String(row.r), row);
      if (nearest.size >= query.k || rows.length < limit || limit >= MAX_CHUNKS) return [...nearest.values()].slice(0, query.k);
    }
  });
}
