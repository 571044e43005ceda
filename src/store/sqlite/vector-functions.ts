/**
 * SQL functions for vector search on SQLite (docs/ai.md): the distance between a
 * stored float32 BLOB and a query vector, registered on every connection, so a search
 * is one statement — the rule and filter in its WHERE clause, then
 * `ORDER BY galley_vec_<metric>(column, handle) LIMIT k` (SQLite keeps only the best k).
 *
 * The query is not passed as a BLOB: better-sqlite3 copies every BLOB argument into a
 * new Buffer on every call, which cost more than the arithmetic (bench/vectors). It is
 * registered here for the statement's duration (`withQueryVector`) with its norm, and
 * the statement passes its integer handle. Within a statement the same arguments always
 * give the same result, so the functions are declared deterministic. Unknown handles,
 * mismatched lengths and empty vectors give NULL (never an error mid-query); a zero
 * vector's cosine distance is +Infinity, so it sorts last.
 */
import type Database from 'better-sqlite3';
import { blobView } from '../../vectors/vector-values.js';
import { KERNELS, norm } from '../../vectors/distance.js';
import type { VectorMetric } from '../../vectors/vector-backing.js';

interface Query { view: Float32Array; norm: number }

const queries = new Map<number, Query>();
let nextHandle = 1;

/** Runs fn with the query vector registered; fn gets the handle to bind. */
export async function withQueryVector<T>(values: readonly number[], fn: (handle: number) => Promise<T>): Promise<T> {
  const view = Float32Array.from(values);
  const handle = nextHandle++;
  if (nextHandle > 2 ** 31) nextHandle = 1;
  queries.set(handle, { view, norm: norm(view) });
  try {
    return await fn(handle);
  } finally {
    queries.delete(handle);
  }
}

export function registerVectorFunctions(db: Database.Database): void {
  for (const metric of ['cosine', 'l2', 'dot'] as VectorMetric[]) {
    const kernel = KERNELS[metric];
    db.function(`galley_vec_${metric}`, { deterministic: true }, (a: unknown, handle: unknown) => {
      if (!Buffer.isBuffer(a) || typeof handle !== 'number') return null;
      const q = queries.get(handle);
      if (!q || a.length !== q.view.length * 4 || a.length === 0) return null;
      return kernel(blobView(a), 0, q.view, q.norm);
    });
  }
}
