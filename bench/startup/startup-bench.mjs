// Start-up benchmark (issue 17, point 4): milliseconds from spawning `galley serve` to
// the first 200 of /api/health (polled every 3 ms), the process's CPU time until then,
// its RSS then and after an idle wait. On a fresh data directory (a new PostgreSQL
// database per run) and on an existing one holding N collections created through the
// API; on PostgreSQL the time includes connecting the pool and the listeners.
//
//   node bench/startup/startup-bench.mjs [--runs=5] [--idle=30] [--collections=50]
//     [--engines=sqlite,postgres] [--cli=dist/cli/main.js] [--before=<another build's cli>]
//
// Each build first starts once for 5 s, which writes its code cache (the starts measured
// are those of an installation that has run before). With --before, the two builds start
// in alternation on the same data. A "node floor"
// row (node-floor.mjs: a bare node:http server answering /api/health, spawned and
// polled the same way) shows what Node alone costs on this machine at this moment, so
// figures from a busy machine can be read against it. Markdown on stdout.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERUSER, arg, cpuMicros, freePort, median, sleep, superuserToken, createCollection } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';
import { createDatabase } from '../lib/galley-server.mjs';

const RUNS = Number(arg('runs', '5'));
const IDLE_S = Number(arg('idle', '30'));
const COLLECTIONS = Number(arg('collections', '50'));
const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const builds = [{ name: 'after', cli: arg('cli', 'dist/cli/main.js') }];
if (arg('before', '')) builds.unshift({ name: 'before', cli: arg('before', '') });
builds.unshift({ name: 'node floor', cli: 'bench/startup/node-floor.mjs' });

/** The build that prepares data directories (the one measured as "after"). */
const GALLEY = builds.at(-1).cli;
const progress = (m) => process.stderr.write(`${m}\n`);
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Starts `serve` and waits for the first 200 of /api/health: { child, base, ms, cpuMs, rss }. */
async function start(cli, dir, db) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...(db ? ['--db', db] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    if (performance.now() - t0 > 30_000) { child.kill('SIGKILL'); throw new Error('server did not start in 30 s'); }
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) break;
    } catch { /* not listening yet */ }
    await sleep(3);
  }
  const ms = performance.now() - t0;
  return { child, base, ms, cpuMs: cpuMicros(child.pid) / 1000, rss: rssMiB(child.pid) };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** N collections as an app would have them: text, number, bool, date, select, relation fields, indexes, rules; every fifth an auth collection. */
async function createCollections(base, n) {
  const token = await superuserToken(base);
  for (let i = 0; i < n; i++) {
    const auth = i % 5 === 4;
    await createCollection(base, token, {
      name: `c${i}`,
      type: auth ? 'auth' : 'base',
      listRule: '', viewRule: '', createRule: auth ? '' : '@request.auth.id != ""', updateRule: auth ? 'id = @request.auth.id' : null,
      fields: [
        { name: 'title', type: 'text', required: true, max: 200 },
        { name: 'body', type: 'editor' },
        { name: 'n', type: 'number' },
        { name: 'done', type: 'bool' },
        { name: 'due', type: 'date' },
        { name: 'status', type: 'select', maxSelect: 1, values: ['open', 'closed', 'archived'] },
        ...(i > 0 ? [{ name: 'parent', type: 'relation', collectionId: await idOf(base, token, `c${i - 1}`), maxSelect: 1 }] : []),
        { name: 'created', type: 'autodate', onCreate: true },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
      ],
      indexes: [`CREATE INDEX idx_c${i}_n ON c${i} (n)`, `CREATE INDEX idx_c${i}_title ON c${i} (title)`],
    });
  }
}

async function idOf(base, token, name) {
  const res = await fetch(`${base}/api/collections/${name}`, { headers: { authorization: token } });
  return (await res.json()).id;
}

/** A data directory (and database) with the superuser; `collections` created through a running server. */
async function prepare(engine, pgAdmin, collections, label) {
  const dir = mkdtempSync(join(tmpdir(), `galley-startup-${label}-`));
  const db = engine === 'postgres' ? await createDatabase(pgAdmin, `startup_${label.replace(/\W/g, '_')}_${Date.now()}`) : '';
  if (collections > 0) {
    execFileSync(process.execPath, [GALLEY, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...(db ? ['--db', db] : [])], { stdio: 'ignore' });
    const { child, base } = await start(GALLEY, dir, db);
    try {
      await createCollections(base, collections);
    } finally {
      await stop(child);
    }
  }
  return { dir, db };
}

/**
 * One start of each build that runs long enough (5 s) to write V8's code cache beside
 * its bundle, as the first run of any installation does (src/cli/bundle-loader.ts):
 * the runs measured are the starts after that one.
 */
async function warmUp() {
  for (const build of builds) {
    const dir = mkdtempSync(join(tmpdir(), 'galley-startup-warmup-'));
    const { child } = await start(build.cli, dir, '');
    await sleep(5000);
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
let pg;
try {
  await warmUp();
  if (ENGINES.includes('postgres')) pg = await startPostgres();
  for (const engine of ENGINES) {
    for (const state of ['fresh', `${COLLECTIONS} collections`]) {
      const existing = state !== 'fresh';
      const shared = existing ? await prepare(engine, pg?.url, COLLECTIONS, `${engine}_existing`) : undefined;
      const results = Object.fromEntries(builds.map((b) => [b.name, []]));
      for (let run = 0; run < RUNS; run++) {
        // Alternate which build starts first, so neither always gets the warmer page cache.
        const order = run % 2 ? [...builds].reverse() : builds;
        for (const build of order) {
          const data = shared ?? await prepare(engine, pg?.url, 0, `${engine}_fresh_${build.name}_${run}`);
          const started = await start(build.cli, data.dir, data.db);
          // The last run also waits idle for the idle RSS.
          if (run === RUNS - 1 && IDLE_S > 0) {
            await sleep(IDLE_S * 1000);
            started.idleRss = rssMiB(started.child.pid);
          }
          await stop(started.child);
          if (!shared) rmSync(data.dir, { recursive: true, force: true });
          results[build.name].push(started);
          progress(`${engine} ${state} ${build.name} run ${run + 1}: ${started.ms.toFixed(0)} ms, CPU ${started.cpuMs.toFixed(0)} ms, RSS ${started.rss.toFixed(0)} MiB${started.idleRss ? `, idle ${started.idleRss.toFixed(0)} MiB` : ''}`);
        }
      }
      if (shared) rmSync(shared.dir, { recursive: true, force: true });
      for (const build of builds) {
        const r = results[build.name];
        rows.push({
          engine, state, build: build.name,
          ms: median(r.map((x) => x.ms)), minMs: Math.min(...r.map((x) => x.ms)), cpuMs: median(r.map((x) => x.cpuMs)),
          rss: median(r.map((x) => x.rss)), idleRss: r.at(-1).idleRss,
        });
      }
    }
  }
} finally {
  pg?.stop();
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`Start-up, median of ${RUNS} runs (min in brackets), load average ${load} at the end, Node ${process.version}\n`);
console.log('| engine | data | build | healthy after | CPU until then | RSS then | RSS after ' + IDLE_S + ' s idle |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.engine} | ${r.state} | ${r.build} | ${r.ms.toFixed(0)} (${r.minMs.toFixed(0)}) ms | ${r.cpuMs.toFixed(0)} ms | ${r.rss.toFixed(0)} MiB | ${r.idleRss ? `${r.idleRss.toFixed(0)} MiB` : '–'} |`);
}
