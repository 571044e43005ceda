// Full-text search vs `~` (issue 19 part 2, docs/search.md): N documents of ~2 KB
// (title + editor body, 90% published) in a collection whose list rule is
// `published = true`; a guest asks for the first page with totals of
//   search:  filter=search("w1 w2")                          (FTS5 / GIN index)
//   ranked:  the same, sort=@rank                            (relevance order)
//   like:    filter=(title ~ "w1" || body ~ "w1") && (title ~ "w2" || body ~ "w2")
// with a different word pair per request (so the cached totals never answer), one
// request at a time, and reports p50/p95 latency and the search/like ratio.
//
//   node bench/search/search-bench.mjs [--engines=sqlite,postgres] [--docs=100000] [--requests=200]
//
// Needs root (PostgreSQL runs as the `postgres` user) and a build: run
// `npx tsc -p tsconfig.build.json` first. Rows are seeded straight into the table
// (so the triggers / index build are part of the seed, not of the measurement).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { arg, CLI, SUPERUSER, createCollection, freePort, superuserToken, waitHealthy } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const DOCS = Number(arg('docs', 100000));
const REQUESTS = Number(arg('requests', 200));
const log = (m) => process.stderr.write(`[search-bench] ${m}\n`);

// A deterministic vocabulary with a Zipf-like frequency, so some words are common and most are rare.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const SYL = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'fi', 'gu', 'he', 'ja'];
// Words of one length (4 syllables), so `~ "word"` finds the same words a search does.
const VOCAB = Array.from({ length: 20000 }, (_, i) => {
  let w = ''; let n = i * 7919 % 50625;
  for (let k = 0; k < 4; k++) { w += SYL[n % SYL.length]; n = Math.floor(n / SYL.length); }
  return w;
});
const zipf = () => VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(rand() * Math.log(VOCAB.length))) - 1)];
const sentence = (words) => Array.from({ length: words }, zipf).join(' ');
const doc = () => ({ title: sentence(6), body: `<p>${sentence(150)}</p><p>${sentence(150)}</p>` });
let serial = 0;
const id = () => `d${String(serial++).padStart(14, '0')}`;

/** Word pairs of middling frequency (ranks 50..2000), so each query matches some hundreds to thousands of documents. */
const pairs = Array.from({ length: REQUESTS }, () => [VOCAB[50 + Math.floor(rand() * 1950)], VOCAB[50 + Math.floor(rand() * 1950)]]);

async function seedSqlite(file) {
  const db = new Database(file);
  const insert = db.prepare('INSERT INTO "docs" ("id", "title", "body", "published") VALUES (?, ?, ?, ?)');
  db.transaction(() => { for (let i = 0; i < DOCS; i++) { const d = doc(); insert.run(id(), d.title, d.body, rand() < 0.9 ? 1 : 0); } })();
  db.pragma('optimize');
  db.close();
}

async function seedPostgres(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (let done = 0; done < DOCS; done += 500) {
    const rows = []; const values = [];
    for (let i = 0; i < Math.min(500, DOCS - done); i++) {
      const d = doc(); const b = rows.length * 4;
      rows.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4})`);
      values.push(id(), d.title, d.body, rand() < 0.9);
    }
    await c.query(`INSERT INTO "docs" ("id", "title", "body", "published") VALUES ${rows.join(', ')}`, values);
  }
  await c.query('ANALYZE "docs"');
  await c.end();
}

async function measure(base, name, filterOf, sort = '') {
  const times = [];
  let totals = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const [a, b] = pairs[i]; // the same pairs for every query kind (the filters differ, so no cached total answers)
    const q = new URLSearchParams({ filter: filterOf(a, b), perPage: '20', ...(sort ? { sort } : {}) });
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/api/collections/docs/records?${q}`);
    const body = await res.json();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    totals += body.totalItems;
  }
  times.sort((x, y) => x - y);
  return { p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], avgTotal: Math.round(totals / REQUESTS) };
}

const results = [];
for (const engine of ENGINES) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-search-bench-'));
  const pgServer = engine === 'postgres' ? await startPostgres() : undefined;
  const db = pgServer ? ['--db', pgServer.url] : [];
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...db], { stdio: 'ignore' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...db], { stdio: 'ignore' });
  try {
    await waitHealthy(base, child);
    const token = await superuserToken(base);
    await createCollection(base, token, {
      name: 'docs', type: 'base', listRule: 'published = true',
      fields: [{ name: 'title', type: 'text', searchable: true }, { name: 'body', type: 'editor', searchable: true }, { name: 'published', type: 'bool' }],
    });
    const t0 = Date.now();
    if (pgServer) await seedPostgres(pgServer.url); else await seedSqlite(join(dir, 'data.db'));
    log(`${engine}: ${DOCS} documents seeded and indexed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await measure(base, 'warm', (a) => `search("${a}") && published = true`); // warm-up (JIT, page cache), other filters
    const search = await measure(base, 'search', (a, b) => `search("${a} ${b}")`);
    const ranked = await measure(base, 'ranked', (a, b) => `search("${a} ${b}")`, '@rank');
    const like = await measure(base, 'like', (a, b) => `(title ~ "${a}" || body ~ "${a}") && (title ~ "${b}" || body ~ "${b}")`);
    for (const [name, r] of Object.entries({ search, ranked, like })) results.push({ engine, name, ...r });
    log(`${engine}: search p50 ${search.p50.toFixed(1)} ms, ranked ${ranked.p50.toFixed(1)} ms, like ${like.p50.toFixed(1)} ms`);
  } finally {
    child.kill();
    pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const out = [`Search benchmark: ${DOCS} documents of ~2 KB, rule \`published = true\`, first page of 20 with totals, ${REQUESTS} requests each, one at a time`, '',
  '| engine | query | p50 ms | p95 ms | avg totalItems | like p50 / this p50 |', '| --- | --- | ---: | ---: | ---: | ---: |'];
for (const r of results) {
  const like = results.find((x) => x.engine === r.engine && x.name === 'like');
  out.push(`| ${r.engine} | ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.avgTotal} | ${(like.p50 / r.p50).toFixed(1)}x |`);
}
console.log(out.join('\n'));
