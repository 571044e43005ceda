// Backups under load: the p99 latency of a create-heavy load (wrk, bench/wrk/create.lua)
// while backups of a database of --rows records with --files uploaded files run back to
// back, against the same load with no backup, on SQLite and PostgreSQL. Interleaved in
// rounds (without, with, with, without, ...); reported per engine: p50/p99 of each
// side (medians over rounds), their ratio (target: p99 at most 2x), non-2xx and socket
// errors (target: none), and the backups taken and their duration. Server on core 0,
// wrk on core 1.
//
//   node bench/backups/backup-load.mjs [--engines=sqlite,postgres] [--rows=100000] [--files=200] [--seconds=10] [--rounds=2] [--connections=20]
//
// Needs root (PostgreSQL runs as the `postgres` user), wrk, and a build: run
// `npx tsc -p tsconfig.build.json` first.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, CLI, SUPERUSER, createCollection, freePort, median, sleep, superuserToken, waitHealthy, wrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const ROWS = Number(arg('rows', 100000));
const FILES = Number(arg('files', 200));
const SECONDS = Number(arg('seconds', 10));
const ROUNDS = Number(arg('rounds', 2));
const CONNECTIONS = Number(arg('connections', 20));
const SCRIPT = 'bench/wrk/create.lua';

const log = (m) => process.stderr.write(`${m}\n`);

async function count(base, token) {
  const res = await fetch(`${base}/api/collections/posts/records?perPage=1`, { headers: { authorization: token } });
  return (await res.json()).totalItems;
}

/** Backups one after another (each deleted once taken) until stopped; returns their durations in ms. */
function backupLoop(base, token) {
  let stopped = false;
  const durations = [];
  const errors = [];
  const done = (async () => {
    for (let i = 0; !stopped; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/api/backups`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench_${i}.zip` }) });
      if (res.status !== 204) { errors.push(await res.text()); await sleep(100); continue; }
      durations.push(performance.now() - started);
      await fetch(`${base}/api/backups/bench_${i}.zip`, { method: 'DELETE', headers: { authorization: token } });
    }
  })();
  return { stop: async () => { stopped = true; await done; return { durations, errors }; } };
}

async function runEngine(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-backup-bench-'));
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const db = pg ? ['--db', pg.url] : [];
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...db], { stdio: 'ignore' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('taskset', ['-c', '0', process.execPath, CLI, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...db], { stdio: 'ignore' });
  try {
    await waitHealthy(base, child);
    const token = await superuserToken(base);
    await createCollection(base, token, {
      name: 'posts', type: 'base', createRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }, { name: 'doc', type: 'file', maxSelect: 1, maxSize: 10_000_000 }],
    });
    log(`${engine}: seeding ${ROWS} records and ${FILES} files`);
    while ((await count(base, token)) < ROWS) wrk(base, { script: SCRIPT, seconds: 5, connections: 50 });
    const file = new Blob([Buffer.alloc(100_000, 7)], { type: 'application/octet-stream' });
    for (let i = 0; i < FILES; i++) {
      const form = new FormData();
      form.append('title', `with a file ${i}`);
      form.append('doc', file, `doc${i}.bin`);
      const res = await fetch(`${base}/api/collections/posts/records`, { method: 'POST', headers: { authorization: token }, body: form });
      if (!res.ok) throw new Error(`file upload: ${await res.text()}`);
    }
    const rows = await count(base, token);
    const without = [];
    const withBackup = [];
    const backups = [];
    const backupErrors = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of r % 2 ? ['with', 'without'] : ['without', 'with']) {
        if (side === 'without') {
          without.push(wrk(base, { script: SCRIPT, seconds: SECONDS, connections: CONNECTIONS }));
        } else {
          const loop = backupLoop(base, token);
          await sleep(50);
          withBackup.push(wrk(base, { script: SCRIPT, seconds: SECONDS, connections: CONNECTIONS }));
          const { durations, errors } = await loop.stop();
          backups.push(...durations);
          backupErrors.push(...errors);
        }
        log(`${engine}: round ${r + 1} ${side}: ${JSON.stringify((side === 'without' ? without : withBackup).at(-1))}`);
      }
    }
    const pick = (runs, key) => median(runs.map((x) => x[key]));
    const sum = (runs, key) => runs.reduce((n, x) => n + x[key], 0);
    return {
      engine, rows,
      p50: [pick(without, 'p50_ms'), pick(withBackup, 'p50_ms')],
      p99: [pick(without, 'p99_ms'), pick(withBackup, 'p99_ms')],
      rps: [pick(without, 'rps'), pick(withBackup, 'rps')],
      failed: sum([...without, ...withBackup], 'non2xx') + sum([...without, ...withBackup], 'socket_errors'),
      backups: backups.length, backupMs: backups.length ? median(backups) : NaN, backupErrors,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const engine of ENGINES) results.push(await runEngine(engine));
const f = (x) => x.toFixed(2);
const lines = [
  `Create load (${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds per side) without and with backups running back to back; ${FILES} files of 100 kB.`,
  '',
  '| engine | records | p50 ms without / with | p99 ms without / with | p99 ratio | req/s without / with | failed requests | backups taken | median backup s | backup errors |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => `| ${r.engine} | ${r.rows} | ${f(r.p50[0])} / ${f(r.p50[1])} | ${f(r.p99[0])} / ${f(r.p99[1])} | ${f(r.p99[1] / r.p99[0])} | ${Math.round(r.rps[0])} / ${Math.round(r.rps[1])} | ${r.failed} | ${r.backups} | ${f(r.backupMs / 1000)} | ${r.backupErrors.length} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
for (const r of results) for (const e of r.backupErrors.slice(0, 3)) log(`${r.engine} backup error: ${e}`);
