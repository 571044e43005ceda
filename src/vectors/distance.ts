/**
 * The distances in JavaScript, over float32 values in float64 arithmetic: smaller is
 * more similar; cosine with a zero vector is +Infinity (sorts last). Shared by SQLite's
 * SQL functions (store/sqlite/vector-functions.ts) and the in-memory scan
 * (sqlite-vector-cache.ts), so both rank alike.
 */
import type { VectorMetric } from './vector-backing.js';

/** a: a stored vector at `offset` in `data`; q: the query, with its norm. */
export type Kernel = (data: Float32Array, offset: number, q: Float32Array, qNorm: number) => number;

const cosine: Kernel = (data, offset, q, qNorm) => {
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < q.length; i++) {
    const x = data[offset + i]!;
    dot += x * q[i]!;
    norm += x * x;
  }
  const denominator = Math.sqrt(norm) * qNorm;
  return denominator === 0 ? Infinity : 1 - dot / denominator;
};

const l2: Kernel = (data, offset, q) => {
  let sum = 0;
  for (let i = 0; i < q.length; i++) {
    const d = data[offset + i]! - q[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
};

// Negated, as pgvector's <#>.
const dot: Kernel = (data, offset, q) => {
  let sum = 0;
  for (let i = 0; i < q.length; i++) sum += data[offset + i]! * q[i]!;
  return -sum;
};

export const KERNELS: Record<VectorMetric, Kernel> = { cosine, l2, dot };

export function norm(v: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  return Math.sqrt(sum);
}
