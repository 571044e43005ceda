// Chunk search (issue 20, docs/ai.md "Chunks"), in process on SQLite: R records of a
// collection whose 384-d cosine vector field has a source, C chunks each (written
// straight into the field's chunk table), a `grp` number 0..99; the k = 10 nearest
// records by their nearest chunk (nearestByChunk, what the search endpoint runs) and
// the k nearest chunks (nearestChunks, what ask runs), as a guest under a public rule
// and under a filter selecting 1%, each by the SQL function (no data version given) and
// by the in-memory copy of the chunk vectors (the data version given, as the search
// endpoint does; the first search loads it). Recall of the records against a brute force.
//
//   node bench/vectors/chunk-bench.mjs [--records=10000] [--chunks=5] [--queries=20]
//
// Build first (`npx tsc -p tsconfig.build.json`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { arg } from '../lib/harness.mjs';
import { GalleyCore } from '../../dist/core/galley-core.js';
import { systemAccess } from '../../dist/core/rules/rule-access.js';
import { GUEST } from '../../dist/core/auth/request-auth.js';
import { nearestByChunk, nearestChunks } from '../../dist/vectors/chunk-search.js';
import { chunkTableName } from '../../dist/vectors/chunk-table.js';

const RECORDS = Number(arg('records', 10000));
const CHUNKS = Number(arg('chunks', 5));
const QUERIES = Number(arg('queries', 20));
const DIM = 384;
const K = 10;

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const dir = mkdtempSync(join(tmpdir(), 'chunk-bench-'));
const core = await GalleyCore.open({ dir, db: '' });
try {
  const model = await core.collections.create({
    name: 'docs', type: 'base', listRule: '',
    fields: [{ name: 'body', type: 'text' }, { name: 'grp', type: 'number' }, { name: 'emb', type: 'vector', dimensions: DIM, embedder: 'openai', source: 'body' }],
    indexes: ['CREATE INDEX idx_docs_grp ON docs (grp)'],
  });
  const field = model.fields.find((f) => f.name === 'emb');
  const table = chunkTableName(model.id, field.id);
  const vectors = new Float32Array(RECORDS * CHUNKS * DIM);
  for (let i = 0; i < vectors.length; i++) vectors[i] = rand();
  const id = (r) => `c${String(r).padStart(14, '0')}`;
  const t0 = performance.now();
  await core.store.transaction(async (tx) => {
    for (let r = 0; r < RECORDS; r++) {
      await tx.run('INSERT INTO "docs" ("id", "body", "grp", "emb") VALUES (?, ?, ?, NULL)', [id(r), `record ${r}`, (r * 37) % 100]);
      for (let c = 0; c < CHUNKS; c++) {
        const o = (r * CHUNKS + c) * DIM;
        await tx.run(`INSERT INTO "${table}" ("record", "seq", "start", "end", "page", "text", "vector") VALUES (?, ?, ?, ?, NULL, ?, ?)`,
          [id(r), c, c * 100, c * 100 + 100, `chunk ${c} of ${r}`, Buffer.from(vectors.buffer, o * 4, DIM * 4)]);
      }
    }
  });
  process.stderr.write(`[chunk-bench] ${RECORDS} records x ${CHUNKS} chunks written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const docs = core.collections.find('docs');
  const emb = docs.field('emb');
  const ctx = systemAccess(core.collections.registry, GUEST);
  const queries = Array.from({ length: QUERIES }, () => Array.from({ length: DIM }, () => Math.fround(rand())));

  const brute = (q, accept) => {
    let qn = 0;
    for (const x of q) qn += x * x;
    const best = [];
    for (let r = 0; r < RECORDS; r++) {
      if (!accept(r)) continue;
      let d = Infinity;
      for (let c = 0; c < CHUNKS; c++) {
        const o = (r * CHUNKS + c) * DIM;
        let dot = 0, n = 0;
        for (let i = 0; i < DIM; i++) { dot += vectors[o + i] * q[i]; n += vectors[o + i] * vectors[o + i]; }
        d = Math.min(d, 1 - dot / Math.sqrt(n * qn));
      }
      best.push([d, id(r)]);
    }
    return best.sort((a, b) => a[0] - b[0]).slice(0, K).map((b) => b[1]);
  };
  const p = (xs, q) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  for (const [label, filter, accept] of [['public', '', () => true], ['filter 1%', 'grp = 7', (r) => (r * 37) % 100 === 7]]) {
    for (const [what, fn, copy] of [['records by chunk', nearestByChunk, false], ['chunks', nearestChunks, false], ['records by chunk', nearestByChunk, true], ['chunks', nearestChunks, true]]) {
      const times = [];
      let hits = 0;
      const stamp = copy ? core.versions.localStamp([docs.id]) : undefined;
      if (copy) await fn(core.store, docs, { field: emb, vector: queries[0], k: K, filter }, ctx, stamp); // loads the copy
      for (const q of queries) {
        const t = performance.now();
        const res = await fn(core.store, docs, { field: emb, vector: q, k: K, filter }, ctx, stamp);
        times.push(performance.now() - t);
        if (what === 'records by chunk') {
          const want = new Set(brute(q, accept));
          hits += res.filter((h) => want.has(h.recordId)).length;
        }
      }
      const recall = what === 'records by chunk' ? ` recall ${(hits / (K * QUERIES)).toFixed(3)}` : '';
      console.log(`${label.padEnd(10)} ${what.padEnd(17)} ${copy ? 'copy' : 'sql '} p50 ${p(times, 0.5).toFixed(1)} ms  p95 ${p(times, 0.95).toFixed(1)} ms${recall}`);
    }
  }
} finally {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}
