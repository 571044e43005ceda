// Request-log cost benchmark: get-one and list throughput (wrk) of one Galley server
// with request logs on (the default settings, logs.maxDays = 5) and off
// (logs.maxDays = 0), switched through PATCH /api/settings on the same server and
// interleaved in rounds (on/off, then off/on, ...), on SQLite and PostgreSQL. The
// result per scenario is the median of the paired ratios on/off of each round.
// Target: at least 0.95. Server on core 0, wrk on core 1. Beside throughput, the
// server's CPU time per request (all its threads, from /proc) is reported: on a
// shared machine it is steadier than req/s. Before each round the logs are read once
// (building any rows still pending, see src/logs/sqlite-log-thread.ts), so no round
// pays for the one before; after each round, the time that read takes is reported.
//
// --threads=one (default): every thread of the server on core 0, so the log writer
// thread's inserts take from request throughput (a one-core server).
// --threads=spare: the main thread alone on core 0 and the server's other threads (the
// log writer, libuv's pool, V8's helpers) on core 1 beside wrk, as on any server with
// a second core; the logs-off runs get the same placement.
//
//   node bench/logs/logs-cost.mjs [--engines=sqlite,postgres] [--scenarios=get-one,list] [--threads=one|spare]
//                                 [--rows=20000] [--seconds=5] [--rounds=5] [--connections=50]
//
// Needs root (PostgreSQL runs as the `postgres` user) and the PostgreSQL binaries
// under /usr/lib/postgresql; builds nothing: run `npx tsc -p tsconfig.build.json` first.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, CLI, SUPERUSER, cpuMicros, freePort, median, sleep, superuserToken, waitHealthy, wrk as runWrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const wrk = (url, script, seconds, ids) => runWrk(url, { script, seconds, connections: CONNECTIONS, args: [ids] });

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const ROWS = Number(arg('rows', 20000));
const SECONDS = Number(arg('seconds', 5));
const ROUNDS = Number(arg('rounds', 5));
const CONNECTIONS = Number(arg('connections', 50));
const WANTED = arg('scenarios', 'get-one,list').split(',');
const SCENARIOS = [['get-one', 'bench/wrk/get-one.lua'], ['list', 'bench/wrk/list.lua']].filter(([name]) => WANTED.includes(name));
const THREADS = arg('threads', 'one');

/** --threads=spare: every thread but the main one moves to core 1 (threads started since inherit core 0, so this runs before each measurement). */
function placeThreads(pid) {
  if (THREADS !== 'spare') return;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (Number(tid) !== pid) execFileSync('taskset', ['-pc', '1', tid], { stdio: 'ignore' });
  }
}

async function setMaxDays(base, token, maxDays) {
  const res = await fetch(`${base}/api/settings`, { method: 'PATCH', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ logs: { maxDays } }) });
  if (!res.ok) throw new Error(`settings: ${await res.text()}`);
}

async function logCount(base, token) {
  const res = await fetch(`${base}/api/logs?perPage=1`, { headers: { authorization: token } });
  return (await res.json()).totalItems;
}

async function runEngine(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-logs-bench-'));
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const db = pg ? ['--db', pg.url] : [];
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...db], { stdio: 'ignore' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('taskset', ['-c', '0', process.execPath, CLI, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...db], { stdio: 'ignore' });
  const ids = join(dir, 'ids.txt');
  const rows = { on: {}, off: {} };
  try {
    await waitHealthy(base, child);
    execFileSync(process.execPath, ['bench/seed.mjs', `--url=${base}`, `--rows=${ROWS}`, `--ids=${ids}`, `--email=${SUPERUSER.email}`, `--password=${SUPERUSER.password}`], { stdio: 'ignore' });
    const token = await superuserToken(base);
    for (const [name, script] of SCENARIOS) {
      rows.on[name] = [];
      rows.off[name] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which mode goes first, so a drift in the machine's load favours neither.
        for (const mode of r % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
          await setMaxDays(base, token, mode === 'on' ? 5 : 0);
          wrk(base, script, 1, ids); // warm-up
          // Logs kept but not yet built into rows (SQLite builds them at nice 19) are built now, so no round pays for the one before.
          await logCount(base, token);
          placeThreads(child.pid);
          const cpu0 = cpuMicros(child.pid);
          const main0 = cpuMicros(child.pid, child.pid);
          const result = wrk(base, script, SECONDS, ids);
          result.cpu_us = (cpuMicros(child.pid) - cpu0) / result.requests;
          result.main_us = (cpuMicros(child.pid, child.pid) - main0) / result.requests;
          if (result.non2xx > 0) throw new Error(`${engine} ${name} ${mode}: ${result.non2xx} non-2xx responses`);
          // How long the first read of the logs waits for the round's rows to be built.
          const readStart = performance.now();
          await logCount(base, token);
          result.catchup_ms = performance.now() - readStart;
          rows[mode][name].push(result);
          process.stderr.write(`[logs-cost] ${engine} ${name} round ${r + 1} logs ${mode}: ${result.rps.toFixed(0)} req/s, ${result.cpu_us.toFixed(0)} µs CPU/req (main thread ${result.main_us.toFixed(0)}), p99 ${result.p99_ms.toFixed(2)} ms, socket errors ${result.socket_errors}, next logs read ${result.catchup_ms.toFixed(0)} ms\n`);
        }
      }
    }
    await setMaxDays(base, token, 5);
    await sleep(3500); // the last batch
    const logged = await logCount(base, token);
    return { rows, logged };
  } finally {
    child.kill('SIGTERM');
    await sleep(500);
    if (child.exitCode === null) child.kill('SIGKILL');
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = [
  `Request logs on (default settings) vs off (logs.maxDays = 0), same server, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, ${ROWS} rows, threads: ${THREADS === 'spare' ? 'main thread on core 0, the others on core 1' : 'all on core 0'}.`,
  '',
  '| engine | scenario | logs on req/s (median) | logs off req/s (median) | on/off per round | **median on/off** | CPU µs/req on / off (median) | CPU on/off (median of rounds) | main thread CPU on/off (median of rounds) | next logs read after an on round (median ms) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const engine of ENGINES) {
  const { rows, logged } = await runEngine(engine);
  for (const [name] of SCENARIOS) {
    const on = rows.on[name].map((x) => x.rps);
    const off = rows.off[name].map((x) => x.rps);
    const ratios = on.map((v, i) => v / off[i]);
    const cpuOn = rows.on[name].map((x) => x.cpu_us);
    const cpuOff = rows.off[name].map((x) => x.cpu_us);
    const cpuRatios = cpuOn.map((v, i) => v / cpuOff[i]);
    const mainRatios = rows.on[name].map((x, i) => x.main_us / rows.off[name][i].main_us);
    lines.push(`| ${engine} | ${name} | ${median(on).toFixed(0)} | ${median(off).toFixed(0)} | ${ratios.map((x) => x.toFixed(3)).join(' / ')} | **${median(ratios).toFixed(3)}** | ${median(cpuOn).toFixed(0)} / ${median(cpuOff).toFixed(0)} | ${median(cpuRatios).toFixed(3)} | ${median(mainRatios).toFixed(3)} | ${median(rows.on[name].map((x) => x.catchup_ms)).toFixed(0)} |`);
  }
  process.stderr.write(`[logs-cost] ${engine}: ${logged} request logs stored\n`);
}
console.log(lines.join('\n'));
