/**
 * Vector columns made as `real[]` become pgvector's `vector(D)` once pgvector is there
 * (docs/ai.md): a database first served without the extension, then with it. The
 * stored vectors come through unchanged and searches rank them (with a real[] column
 * behind pgvector's operators they would fail). The same conversion runs after a
 * restore; a restore itself cannot be tested on PGlite (it holds the backup lock in one
 * transaction while it writes in another, and PGlite is one session), and a restore
 * into PostgreSQL with pgvector lays the columns out for it from the start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SUPERUSER_EMAIL, SUPERUSER_PASSWORD, startGalley, type TestGalley } from './support/galley.js';
import { startPglite, type PgliteServer } from './support/pglite-server.js';

const VECTORS = [[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.1]];

async function populate(g: TestGalley): Promise<string[]> {
  await g.admin.collections.create({
    name: 'docs', type: 'base', listRule: '',
    fields: [{ name: 'title', type: 'text' }, { name: 'emb', type: 'vector', dimensions: 3, distance: 'cosine', index: 'hnsw' }],
  });
  const ids: string[] = [];
  for (const [i, emb] of VECTORS.entries()) ids.push((await g.admin.collection('docs').create({ title: `doc ${i}`, emb })).id);
  await g.admin.collection('docs').create({ title: 'no vector' });
  return ids;
}

type Hit = { id: string; emb: number[]; '@distance': number };

async function nearest(g: TestGalley, vector: number[]): Promise<Hit[]> {
  const res = await g.fetch('/api/collections/docs/search', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ field: 'emb', vector, k: 3 }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Hit[] }).items;
}

describe('a database first served without pgvector, then with it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'galley-pglite-'));
  let pglite: PgliteServer | undefined;
  let g: TestGalley | undefined;
  afterAll(async () => {
    await g?.close();
    await pglite?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('converts the real[] columns to vector(D) on start, keeping every value', async () => {
    pglite = await startPglite({ pgvector: false, dataDir });
    g = await startGalley('postgres', { dbUrl: pglite.url, dbPoolSize: 1 });
    const ids = await populate(g);
    const before = await nearest(g, [1, 0, 0]);
    expect(before.map((r) => r.id)).toEqual([ids[0], ids[1], ids[4]]);
    const stored = await g.admin.collection('docs').getFullList({ sort: '@rowid' });
    await g.close();
    await pglite.stop();

    pglite = await startPglite({ pgvector: true, dataDir });
    g = await startGalley('postgres', { dbUrl: pglite.url, dbPoolSize: 1, superuser: false });
    await g.admin.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    const after = await nearest(g, [1, 0, 0]);
    expect(after.map(({ '@distance': _d, ...r }) => r)).toEqual(before.map(({ '@distance': _d, ...r }) => r));
    // pgvector computes in float32, the real[] fallback in float64.
    after.forEach((r, i) => expect(r['@distance']).toBeCloseTo(before[i]!['@distance'], 5));
    expect(await g.admin.collection('docs').getFullList({ sort: '@rowid' })).toEqual(stored);
    // New values go into the converted column too.
    const made = await g.admin.collection('docs').create({ title: 'new', emb: [1, 0.01, 0] });
    expect((await nearest(g, [1, 0.01, 0]))[0]!.id).toBe(made.id);
  });
});
