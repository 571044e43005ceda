// Rate-limit cost benchmark: get-one throughput (wrk) and CPU time per request of one
// Galley server with the rate limiter on vs off, switched through the settings API
// between runs, interleaved in rounds (on/off, then off/on, ...), on SQLite (memory
// counters) and PostgreSQL (leases from `_rateLimits`, shared by the cluster). The
// rule on is `/api/` with a limit no run reaches (every request is counted and
// admitted). Scenarios: one client (one key: the PostgreSQL counter lives on a lease)
// and 10 000 clients by X-Forwarded-For (about 3 requests per key and window: a lease
// round trip for a large share of requests, the worst case for PostgreSQL). The result
// per scenario is the median of the paired ratios on/off of each round. The server on
// core 0, wrk on core 1.
//
//   node bench/rate-limits/rate-limit-cost.mjs [--engines=sqlite,postgres] [--rows=20000] [--seconds=5] [--rounds=5] [--connections=50] [--clients=10000]
//
// Needs root (PostgreSQL runs as the `postgres` user) and the PostgreSQL binaries
// under /usr/lib/postgresql; builds nothing: run `npx tsc -p tsconfig.build.json` first.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, CLI, SUPERUSER, cpuMicros, freePort, median, sleep, superuserToken, waitHealthy, wrk as runWrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';
import { pgCpuMicros } from './pg-cpu.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const ROWS = Number(arg('rows', 20000));
const SECONDS = Number(arg('seconds', 5));
const ROUNDS = Number(arg('rounds', 5));
const CONNECTIONS = Number(arg('connections', 50));
const CLIENTS = Number(arg('clients', 10000));
const SCENARIOS = [['one client', '1'], [`${CLIENTS} clients`, String(CLIENTS)]];
const SCRIPT = 'bench/wrk/get-one-clients.lua';

async function settings(base, token, body) {
  const res = await fetch(`${base}/api/settings`, { method: 'PATCH', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`settings: ${await res.text()}`);
}

async function runEngine(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-ratelimit-bench-'));
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const db = pg ? ['--db', pg.url] : [];
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...db], { stdio: 'ignore' });
  const ids = join(dir, 'ids.txt');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('taskset', ['-c', '0', process.execPath, CLI, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...db], { stdio: 'ignore' });
  const rows = { on: {}, off: {} };
  try {
    await waitHealthy(base, child);
    execFileSync(process.execPath, ['bench/seed.mjs', `--url=${base}`, `--rows=${ROWS}`, `--ids=${ids}`, `--email=${SUPERUSER.email}`, `--password=${SUPERUSER.password}`], { stdio: 'ignore' });
    const token = await superuserToken(base);
    await settings(base, token, {
      trustedProxy: { headers: ['X-Forwarded-For'] },
      rateLimits: { enabled: false, rules: [{ label: '/api/', audience: '', duration: 10, maxRequests: 1_000_000_000 }] },
    });
    for (const [name, clients] of SCENARIOS) {
      rows.on[name] = [];
      rows.off[name] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which mode goes first, so a drift in the machine's load favours neither.
        for (const mode of r % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
          await settings(base, token, { rateLimits: { enabled: mode === 'on' } });
          runWrk(base, { script: SCRIPT, seconds: 1, connections: CONNECTIONS, args: [ids, clients] }); // warm-up
          const cpu0 = cpuMicros(child.pid);
          const pgCpu0 = pgCpuMicros(pg);
          const result = runWrk(base, { script: SCRIPT, seconds: SECONDS, connections: CONNECTIONS, args: [ids, clients] });
          result.cpu_us = (cpuMicros(child.pid) - cpu0) / result.requests;
          result.pg_cpu_us = (pgCpuMicros(pg) - pgCpu0) / result.requests;
          if (result.non2xx > 0) throw new Error(`${engine} ${name} ${mode}: ${result.non2xx} non-2xx responses`);
          rows[mode][name].push(result);
          process.stderr.write(`[rate-limit-cost] ${engine} ${name} round ${r + 1} limits ${mode}: ${result.rps.toFixed(0)} req/s, ${result.cpu_us.toFixed(0)} µs CPU/req (PostgreSQL ${result.pg_cpu_us.toFixed(0)}), p99 ${result.p99_ms.toFixed(2)} ms\n`);
        }
      }
    }
    return rows;
  } finally {
    child.kill('SIGTERM');
    await sleep(500);
    if (child.exitCode === null) child.kill('SIGKILL');
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = [
  `Rate limits on (\`/api/\`, never reached) vs off, one server, switched through the settings, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, get-one on ${ROWS} rows.`,
  '',
  '| engine | clients | on req/s (median) | off req/s (median) | on/off per round | **median on/off** | CPU µs/req on / off (median) | **CPU on/off** (median of rounds) | PostgreSQL CPU µs/req on / off |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const engine of ENGINES) {
  const rows = await runEngine(engine);
  for (const [name] of SCENARIOS) {
    const on = rows.on[name].map((x) => x.rps);
    const off = rows.off[name].map((x) => x.rps);
    const ratios = on.map((v, i) => v / off[i]);
    const cpuOn = rows.on[name].map((x) => x.cpu_us);
    const cpuOff = rows.off[name].map((x) => x.cpu_us);
    const cpuRatios = cpuOn.map((v, i) => v / cpuOff[i]);
    lines.push(`| ${engine} | ${name} | ${median(on).toFixed(0)} | ${median(off).toFixed(0)} | ${ratios.map((x) => x.toFixed(3)).join(' / ')} | **${median(ratios).toFixed(3)}** | ${median(cpuOn).toFixed(0)} / ${median(cpuOff).toFixed(0)} | **${median(cpuRatios).toFixed(3)}** | ${engine === 'postgres' ? `${median(rows.on[name].map((x) => x.pg_cpu_us)).toFixed(0)} / ${median(rows.off[name].map((x) => x.pg_cpu_us)).toFixed(0)}` : '–'} |`);
  }
}
console.log(lines.join('\n'));
