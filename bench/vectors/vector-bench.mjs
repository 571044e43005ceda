// Nearest-neighbour search (issue 20, docs/ai.md): N records with a 384-d cosine
// vector field and a `grp` number (0..99, indexed), k = 10, through the HTTP API as a
// guest, one request at a time:
//   public:  list rule "" (every record ranked: an exact scan of N vectors)
//   rule 1%: list rule `grp = 7` (the rule selects 1% of the rows before ranking)
//   filter 1%: list rule "", filter `grp = 7`
// Recall against a brute force in JS over the same vectors and the same rule/filter
// (exact search: 1.0 expected). With --strategies (SQLite), the two exact strategies
// are also timed in process on the same file: the SQL function (ORDER BY
// galley_vec_cosine LIMIT k, what Galley runs) and a JS scan over iterate() with a top-k.
//
//   node bench/vectors/vector-bench.mjs [--docs=100000] [--requests=60] [--strategies]
//
// Build first (`npx tsc -p tsconfig.build.json`). SQLite only for now: PostgreSQL's
// real[] fallback is far slower by design, and pgvector is only available here through
// PGlite (WASM, one session), whose numbers would not be a native server's.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { arg, CLI, SUPERUSER, createCollection, freePort, superuserToken, waitHealthy } from '../lib/harness.mjs';
import { registerVectorFunctions, withQueryVector } from '../../dist/store/sqlite/vector-functions.js';

const ENGINES = ['sqlite'];
const DOCS = Number(arg('docs', 100000));
const REQUESTS = Number(arg('requests', 60));
const DIM = 384;
const K = 10;
const log = (m) => process.stderr.write(`[vector-bench] ${m}\n`);

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const vectors = new Float32Array(DOCS * DIM);
for (let i = 0; i < vectors.length; i++) vectors[i] = rand();
const grp = Array.from({ length: DOCS }, (_, i) => (i * 37) % 100);
const idOf = (i) => `v${String(i).padStart(14, '0')}`;
const queries = Array.from({ length: REQUESTS }, () => Array.from({ length: DIM }, () => Math.fround(rand())));
const blob = (i) => Buffer.from(vectors.buffer, i * DIM * 4, DIM * 4);

/** The exact top k (ids) in JS: cosine distance, ties by insertion order. */
function bruteForce(q, accept) {
  let qn = 0;
  for (const x of q) qn += x * x;
  qn = Math.sqrt(qn);
  const best = [];
  for (let i = 0; i < DOCS; i++) {
    if (!accept(i)) continue;
    let dot = 0, n = 0;
    const o = i * DIM;
    for (let j = 0; j < DIM; j++) { const x = vectors[o + j]; dot += x * q[j]; n += x * x; }
    const d = 1 - dot / (Math.sqrt(n) * qn);
    if (best.length < K || d < best[best.length - 1].d) {
      best.push({ i, d });
      best.sort((a, b) => a.d - b.d || a.i - b.i);
      if (best.length > K) best.pop();
    }
  }
  return best.map((b) => idOf(b.i));
}

async function seedSqlite(file) {
  const db = new Database(file);
  const insert = db.prepare('INSERT INTO "vecs" ("id", "emb", "grp") VALUES (?, ?, ?)');
  db.transaction(() => { for (let i = 0; i < DOCS; i++) insert.run(idOf(i), blob(i), grp[i]); })();
  db.pragma('optimize');
  db.close();
}

async function measure(base, collection, filter, accept) {
  const times = [];
  let recall = 0;
  for (const q of queries) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/api/collections/${collection}/search?fields=id`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ field: 'emb', vector: q, k: K, filter }),
    });
    const body = await res.json();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!res.ok) throw new Error(`${collection}: ${res.status} ${JSON.stringify(body)}`);
    const expected = new Set(bruteForce(q, accept));
    recall += body.items.filter((it) => expected.has(it.id)).length / K;
  }
  times.sort((x, y) => x - y);
  return { p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], recall: recall / queries.length };
}

/** SQLite, in process: the SQL function vs a JS scan over iterate(), on the same file (no HTTP). */
async function strategies(file) {
  const db = new Database(file, { readonly: true });
  registerVectorFunctions(db);
  const viaFunction = db.prepare('SELECT "id", galley_vec_cosine("emb", ?) AS "d" FROM "vecs" WHERE "emb" IS NOT NULL ORDER BY "d", rowid LIMIT ?');
  const scan = db.prepare('SELECT rowid AS "r", "emb" FROM "vecs" WHERE "emb" IS NOT NULL').raw();
  const time = async (fn) => {
    const times = [];
    for (const q of queries.slice(0, 20)) { const t0 = process.hrtime.bigint(); await fn(q); times.push(Number(process.hrtime.bigint() - t0) / 1e6); }
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
  };
  const fnMs = await time((q) => withQueryVector(q, async (handle) => viaFunction.all(handle, K)));
  const jsMs = await time(async (q) => {
    const qv = new Float32Array(q);
    let qn = 0;
    for (const x of qv) qn += x * x;
    qn = Math.sqrt(qn);
    const best = [];
    for (const [r, b] of scan.iterate()) {
      const v = new Float32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
      let dot = 0, n = 0;
      for (let j = 0; j < v.length; j++) { dot += v[j] * qv[j]; n += v[j] * v[j]; }
      const d = 1 - dot / (Math.sqrt(n) * qn);
      if (best.length < K || d < best[best.length - 1].d) { best.push({ r, d }); best.sort((a, c) => a.d - c.d); if (best.length > K) best.pop(); }
    }
    return best;
  });
  db.close();
  return { fnMs, jsMs };
}

const results = [];
const strategyRows = [];
for (const engine of ENGINES) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-vector-bench-'));
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir], { stdio: 'ignore' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir], { stdio: 'ignore' });
  try {
    await waitHealthy(base, child);
    const token = await superuserToken(base);
    const fields = [{ name: 'emb', type: 'vector', dimensions: DIM, distance: 'cosine' }, { name: 'grp', type: 'number' }];
    await createCollection(base, token, { name: 'vecs', type: 'base', listRule: '', fields, indexes: ['CREATE INDEX idx_vecs_grp ON vecs (grp)'] });
    const t0 = Date.now();
    await seedSqlite(join(dir, 'data.db'));
    log(`${engine}: ${DOCS} x ${DIM}-d vectors seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await measure(base, 'vecs', 'grp = 3', (i) => grp[i] === 3); // warm-up (JIT, page cache)
    const pub = await measure(base, 'vecs', '', () => true);
    const filter = await measure(base, 'vecs', 'grp = 7', (i) => grp[i] === 7);
    const res = await fetch(`${base}/api/collections/vecs`, { method: 'PATCH', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ listRule: 'grp = 7' }) });
    if (!res.ok) throw new Error(await res.text());
    const rule = await measure(base, 'vecs', '', (i) => grp[i] === 7);
    for (const [name, r] of Object.entries({ 'public rule': pub, 'rule selects 1%': rule, 'filter selects 1%': filter })) results.push({ engine, name, ...r });
    log(`${engine}: public p50 ${pub.p50.toFixed(1)} ms, rule 1% ${rule.p50.toFixed(1)} ms, filter 1% ${filter.p50.toFixed(1)} ms`);
    if (engine === 'sqlite' && process.argv.includes('--strategies')) {
      child.kill();
      strategyRows.push(await strategies(join(dir, 'data.db')));
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const out = [`Vector search: ${DOCS} records x ${DIM}-d (cosine), k = ${K}, ${REQUESTS} requests each through the API as a guest, one at a time`, '',
  '| engine | query | p50 ms | p95 ms | recall@10 |', '| --- | --- | ---: | ---: | ---: |'];
for (const r of results) out.push(`| ${r.engine} | ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.recall.toFixed(3)} |`);
for (const s of strategyRows) out.push('', `SQLite exact strategies in process (p50 of 20 queries, ${DOCS} rows, no rule): SQL function ${s.fnMs.toFixed(1)} ms, JS scan over iterate() ${s.jsMs.toFixed(1)} ms`);
console.log(out.join('\n'));
