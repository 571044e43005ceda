/**
 * SQL functions for vector search on SQLite (docs/ai.md): the distance between two
 * float32 BLOBs, registered on every connection as deterministic functions so a
 * search is one statement — the rule and filter in its WHERE clause, then
 * `ORDER BY galley_vec_<metric>(column, query) LIMIT k` (SQLite keeps only the best k).
 *
 * The query BLOB is the same on every row of a statement: its float32 view and norm
 * are kept and reused while the bytes are equal, so each row costs one pass over the
 * stored vector. Mismatched lengths or an empty vector give NULL (never an error
 * mid-query); a zero vector's cosine distance is +Infinity, so it sorts last.
 */
import type Database from 'better-sqlite3';
import { blobView } from '../../vectors/vector-values.js';

interface Query { bytes: Buffer; view: Float32Array; norm: number }

function queryCache(): (bytes: Buffer) => Query {
  let last: Query | undefined;
  return (bytes) => {
    if (last && last.bytes.equals(bytes)) return last;
    // Copied: the argument's memory is not ours to keep.
    const copy = Buffer.from(bytes);
    const view = blobView(copy);
    let sum = 0;
    for (let i = 0; i < view.length; i++) sum += view[i]! * view[i]!;
    last = { bytes: copy, view, norm: Math.sqrt(sum) };
    return last;
  };
}

type Blob = Buffer | null;

export function registerVectorFunctions(db: Database.Database): void {
  const options = { deterministic: true, directOnly: false } as const;
  const cosineQuery = queryCache();
  db.function('galley_vec_cosine', options, (a: Blob, b: Blob) => {
    if (!Buffer.isBuffer(a) || !Buffer.isBuffer(b) || a.length !== b.length || a.length === 0) return null;
    const q = cosineQuery(b);
    const v = blobView(a);
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      dot += x * q.view[i]!;
      norm += x * x;
    }
    const denominator = Math.sqrt(norm) * q.norm;
    return denominator === 0 ? Infinity : 1 - dot / denominator;
  });
  const l2Query = queryCache();
  db.function('galley_vec_l2', options, (a: Blob, b: Blob) => {
    if (!Buffer.isBuffer(a) || !Buffer.isBuffer(b) || a.length !== b.length || a.length === 0) return null;
    const q = l2Query(b).view;
    const v = blobView(a);
    let sum = 0;
    for (let i = 0; i < v.length; i++) {
      const d = v[i]! - q[i]!;
      sum += d * d;
    }
    return Math.sqrt(sum);
  });
  const dotQuery = queryCache();
  db.function('galley_vec_dot', options, (a: Blob, b: Blob) => {
    if (!Buffer.isBuffer(a) || !Buffer.isBuffer(b) || a.length !== b.length || a.length === 0) return null;
    const q = dotQuery(b).view;
    const v = blobView(a);
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * q[i]!;
    // Negated, as pgvector's <#>: smaller is more similar for every metric.
    return -dot;
  });
}
