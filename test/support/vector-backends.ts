/**
 * The three vector backings a vector test runs against (docs/ai.md): SQLite BLOBs,
 * PostgreSQL 15 without pgvector (real[] fallback), and pgvector through PGlite served
 * over the wire (test/support/pglite-server.ts).
 */
import { startGalley, type StartOptions, type TestGalley } from './galley.js';
import { startPgliteWithPgvector } from './pglite-server.js';

export type VectorBackend = 'sqlite' | 'postgres-real[]' | 'pgvector';
export const VECTOR_BACKENDS: VectorBackend[] = ['sqlite', 'postgres-real[]', 'pgvector'];

export async function startVectorGalley(backend: VectorBackend, options: StartOptions = {}): Promise<TestGalley> {
  if (backend === 'sqlite') return startGalley('sqlite', options);
  if (backend === 'postgres-real[]') return startGalley('postgres', options);
  const pglite = await startPgliteWithPgvector();
  const g = await startGalley('postgres', { ...options, dbUrl: pglite.url, dbPoolSize: 1 });
  return { ...g, close: async () => { await g.close(); await pglite.stop(); } };
}

/** Distances as the backings define them (smaller is more similar), in float64 over the float32 values. */
export function distance(metric: 'cosine' | 'l2' | 'dot', a: number[], b: number[]): number | null {
  const f = (v: number[]) => v.map(Math.fround);
  const [x, y] = [f(a), f(b)];
  let dot = 0, nx = 0, ny = 0, l2 = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
    l2 += (x[i]! - y[i]!) ** 2;
  }
  if (metric === 'dot') return -dot;
  if (metric === 'l2') return Math.sqrt(l2);
  return nx === 0 || ny === 0 ? null : 1 - dot / Math.sqrt(nx * ny);
}
