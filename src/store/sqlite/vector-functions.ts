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

interface Query { view: Float32Array; norm: number }

const queries = new Map<number, Query>();
let nextHandle = 1;

/** Runs fn with the query vector registered; fn gets the handle to bind. */
export async function withQueryVector<T>(values: readonly number[], fn: (handle: number) => Promise<T>): Promise<T> {
  const view = Float32Array.from(values);
  let sum = 0;
  for (let i = 0; i < view.length; i++) sum += view[i]! * view[i]!;
  const handle = nextHandle++;
  if (nextHandle > 2 ** 31) nextHandle = 1;
  queries.set(handle, { view, norm: Math.sqrt(sum) });
  try {
    return await fn(handle);
  } finally {
    queries.delete(handle);
  }
}

type Blob = Buffer | null;

/** The stored vector as float32 and the query, or undefined when they cannot be compared. */
function operands(a: Blob, handle: unknown): [Float32Array, Query] | undefined {
  if (!Buffer.isBuffer(a) || typeof handle !== 'number') return undefined;
  const q = queries.get(handle);
  if (!q || a.length !== q.view.length * 4 || a.length === 0) return undefined;
  return [blobView(a), q];
}

export function registerVectorFunctions(db: Database.Database): void {
  const options = { deterministic: true } as const;
  db.function('galley_vec_cosine', options, (a: Blob, handle: unknown) => {
    const ops = operands(a, handle);
    if (!ops) return null;
    const [v, { view: q, norm: qn }] = ops;
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      dot += x * q[i]!;
      norm += x * x;
    }
    const denominator = Math.sqrt(norm) * qn;
    return denominator === 0 ? Infinity : 1 - dot / denominator;
  });
  db.function('galley_vec_l2', options, (a: Blob, handle: unknown) => {
    const ops = operands(a, handle);
    if (!ops) return null;
    const [v, { view: q }] = ops;
    let sum = 0;
    for (let i = 0; i < v.length; i++) {
      const d = v[i]! - q[i]!;
      sum += d * d;
    }
    return Math.sqrt(sum);
  });
  db.function('galley_vec_dot', options, (a: Blob, handle: unknown) => {
    const ops = operands(a, handle);
    if (!ops) return null;
    const [v, { view: q }] = ops;
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * q[i]!;
    // Negated, as pgvector's <#>: smaller is more similar for every metric.
    return -dot;
  });
}
