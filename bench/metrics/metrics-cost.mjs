// Metrics cost benchmark: get-one and list throughput (wrk) of two Galley servers on
// the same data, one collecting metrics (the default) and one started with
// GALLEY_METRICS=off, interleaved in rounds (on/off, then off/on, ...), on SQLite and
// PostgreSQL. The result per scenario is the median of the paired ratios on/off of
// each round. Target: at least 0.97. Both servers on core 0 (one is idle while the
// other is measured), wrk on core 1.
//
//   node bench/metrics/metrics-cost.mjs [--engines=sqlite,postgres] [--scenarios=get-one,list] [--rows=20000] [--seconds=5] [--rounds=5] [--connections=50]
//
// Needs root (PostgreSQL runs as the `postgres` user) and the PostgreSQL binaries
// under /usr/lib/postgresql; builds nothing: run `npx tsc -p tsconfig.build.json` first.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, CLI, SUPERUSER, cpuMicros, freePort, median, sleep, waitHealthy, wrk as runWrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const ROWS = Number(arg('rows', 20000));
const SECONDS = Number(arg('seconds', 5));
const ROUNDS = Number(arg('rounds', 5));
const CONNECTIONS = Number(arg('connections', 50));
const WANTED = arg('scenarios', 'get-one,list').split(',');
const SCENARIOS = [['get-one', 'bench/wrk/get-one.lua'], ['list', 'bench/wrk/list.lua']].filter(([name]) => WANTED.includes(name));

const wrk = (url, script, seconds, ids) => runWrk(url, { script, seconds, connections: CONNECTIONS, args: [ids] });

/** `galley serve` on core 0 with this environment; resolves once healthy. */
async function serve(dir, db, env) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('taskset', ['-c', '0', process.execPath, CLI, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...db], { stdio: 'ignore', env: { ...process.env, ...env } });
  await waitHealthy(base, child);
  return { base, child };
}

async function runEngine(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-metrics-bench-'));
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const db = pg ? ['--db', pg.url] : [];
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...db], { stdio: 'ignore' });
  const ids = join(dir, 'ids.txt');
  const servers = {};
  const rows = { on: {}, off: {} };
  try {
    servers.on = await serve(dir, db, {});
    execFileSync(process.execPath, ['bench/seed.mjs', `--url=${servers.on.base}`, `--rows=${ROWS}`, `--ids=${ids}`, `--email=${SUPERUSER.email}`, `--password=${SUPERUSER.password}`], { stdio: 'ignore' });
    // The second server reads the same data: the same database file (SQLite, WAL) or database (PostgreSQL).
    servers.off = await serve(dir, db, { GALLEY_METRICS: 'off' });
    for (const [name, script] of SCENARIOS) {
      rows.on[name] = [];
      rows.off[name] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which mode goes first, so a drift in the machine's load favours neither.
        for (const mode of r % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
          const { base, child } = servers[mode];
          wrk(base, script, 1, ids); // warm-up
          const cpu0 = cpuMicros(child.pid);
          const result = wrk(base, script, SECONDS, ids);
          result.cpu_us = (cpuMicros(child.pid) - cpu0) / result.requests;
          if (result.non2xx > 0) throw new Error(`${engine} ${name} ${mode}: ${result.non2xx} non-2xx responses`);
          rows[mode][name].push(result);
          process.stderr.write(`[metrics-cost] ${engine} ${name} round ${r + 1} metrics ${mode}: ${result.rps.toFixed(0)} req/s, ${result.cpu_us.toFixed(0)} µs CPU/req, p99 ${result.p99_ms.toFixed(2)} ms\n`);
        }
      }
    }
    return rows;
  } finally {
    for (const s of Object.values(servers)) s.child.kill('SIGTERM');
    await sleep(500);
    for (const s of Object.values(servers)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = [
  `Metrics on (default) vs off (GALLEY_METRICS=off), two servers on the same data, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, ${ROWS} rows.`,
  '',
  '| engine | scenario | metrics on req/s (median) | metrics off req/s (median) | on/off per round | **median on/off** | CPU µs/req on / off (median) | CPU on/off (median of rounds) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
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
    lines.push(`| ${engine} | ${name} | ${median(on).toFixed(0)} | ${median(off).toFixed(0)} | ${ratios.map((x) => x.toFixed(3)).join(' / ')} | **${median(ratios).toFixed(3)}** | ${median(cpuOn).toFixed(0)} / ${median(cpuOff).toFixed(0)} | ${median(cpuRatios).toFixed(3)} |`);
  }
}
console.log(lines.join('\n'));
