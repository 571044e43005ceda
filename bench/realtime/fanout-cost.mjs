// Create throughput on PostgreSQL against the floor, for two Galley builds (issue 18,
// point 5: publishing committed changes to the other instances only while someone
// listens). Three servers on one throwaway PostgreSQL, each on its own database: the
// floor (bench/floor/postgres-server.mjs) and `galley serve` of the builds `before`
// and `after`, measured with wrk's create scenario in interleaved rounds (the order
// rotates every round, so a drift in the machine's load favours none). Per round and
// build: req/s over the floor's req/s of the same round; the result is the median of
// those paired ratios, with the CPU time per request of the server process and of
// PostgreSQL (all its processes). No realtime client is connected anywhere. Servers
// and PostgreSQL on core 0, wrk on core 1.
//
//   node bench/realtime/fanout-cost.mjs --before=/tmp/galley-before --after=. [--seconds=8] [--rounds=5] [--connections=50]
//
// --before/--after: checkouts with a build (dist/cli/main.js; `npx tsc -p tsconfig.build.json`
// there). Needs root (PostgreSQL runs as the `postgres` user).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { arg, SUPERUSER, cpuMicros, freePort, median, sleep, waitHealthy, wrk as runWrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const BUILDS = { before: resolve(arg('before', '.')), after: resolve(arg('after', '.')) };
const SECONDS = Number(arg('seconds', 8));
const ROUNDS = Number(arg('rounds', 5));
const CONNECTIONS = Number(arg('connections', 50));
const SCRIPT = 'bench/wrk/create.lua';

/** PostgreSQL's processes: the postmaster and its children (backends, writer, WAL, …). */
function pgPids(dataDir) {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [postmaster, ...children];
}
/**
 * PostgreSQL's CPU time so far, in microseconds: the postmaster's own and that of its
 * exited children (backends of closed connections, cutime/cstime), plus the live children's.
 */
function pgCpu(dataDir) {
  const [postmaster, ...children] = pgPids(dataDir);
  const fields = readFileSync(`/proc/${postmaster}/stat`, 'utf8').split(') ')[1].split(' ');
  const reaped = (Number(fields[13]) + Number(fields[14])) * (1e6 / 100);
  return cpuMicros(postmaster) + reaped + children.reduce((sum, pid) => { try { return sum + cpuMicros(pid); } catch { return sum; } }, 0);
}

async function start(cmd, args, health) {
  const child = spawn('taskset', ['-c', '0', process.execPath, cmd, ...args], { stdio: 'ignore' });
  await waitHealthy(health, child);
  return child;
}

const db = await startPostgres();
const admin = new pg.Client({ connectionString: db.url });
await admin.connect();
for (const name of ['floor', 'before', 'after']) await admin.query(`CREATE DATABASE ${name}`);
await admin.end();
const urlOf = (name) => { const u = new URL(db.url); u.pathname = `/${name}`; return u.toString(); };
// Pin PostgreSQL to core 0 like the servers (backends started later inherit it from the postmaster).
for (const pid of pgPids(db.dataDir)) execFileSync('taskset', ['-a', '-cp', '0', String(pid)], { stdio: 'ignore' });

const dirs = [];
const servers = {};
try {
  const floorPort = await freePort();
  const floorDir = mkdtempSync(join(tmpdir(), 'galley-fanout-floor-'));
  dirs.push(floorDir);
  servers.floor = { base: `http://127.0.0.1:${floorPort}` };
  servers.floor.child = await start('bench/floor/postgres-server.mjs', [`--port=${floorPort}`, `--db=${urlOf('floor')}`, '--rows=1000', `--ids=${join(floorDir, 'ids.txt')}`], servers.floor.base);
  for (const build of ['before', 'after']) {
    const dir = mkdtempSync(join(tmpdir(), `galley-fanout-${build}-`));
    dirs.push(dir);
    const cli = join(BUILDS[build], 'dist/cli/main.js');
    execFileSync(process.execPath, [cli, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, '--db', urlOf(build)], { stdio: 'ignore' });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    servers[build] = { base, child: await start(cli, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dir, '--db', urlOf(build)], base) };
    execFileSync(process.execPath, ['bench/seed.mjs', `--url=${base}`, '--rows=1000', `--ids=${join(dir, 'ids.txt')}`, `--email=${SUPERUSER.email}`, `--password=${SUPERUSER.password}`], { stdio: 'ignore' });
  }
  await sleep(12_000); // past the start-up period in which `after` publishes everything
  const targets = ['floor', 'before', 'after'];
  const rows = Object.fromEntries(targets.map((t) => [t, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = targets.map((_, i) => targets[(i + r) % targets.length]);
    for (const target of order) {
      const { base, child } = servers[target];
      runWrk(base, { script: SCRIPT, seconds: 2, connections: CONNECTIONS }); // warm-up
      const cpu0 = cpuMicros(child.pid);
      const pg0 = pgCpu(db.dataDir);
      const result = runWrk(base, { script: SCRIPT, seconds: SECONDS, connections: CONNECTIONS });
      result.cpu_us = (cpuMicros(child.pid) - cpu0) / result.requests;
      result.pg_us = (pgCpu(db.dataDir) - pg0) / result.requests;
      if (result.non2xx > 0) throw new Error(`${target}: ${result.non2xx} non-2xx responses`);
      rows[target].push(result);
      process.stderr.write(`[fanout-cost] round ${r + 1} ${target}: ${result.rps.toFixed(0)} req/s, server ${result.cpu_us.toFixed(0)} µs CPU/req, PostgreSQL ${result.pg_us.toFixed(0)} µs CPU/req, p99 ${result.p99_ms.toFixed(2)} ms\n`);
    }
  }
  const lines = [
    `PostgreSQL create vs the floor, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, no realtime client.`,
    '',
    '| target | req/s (median) | ratio to floor per round | **median ratio** | server CPU µs/req (median) | PostgreSQL CPU µs/req (median) | p99 ms (median) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const target of targets) {
    const ratios = rows[target].map((x, i) => x.rps / rows.floor[i].rps);
    lines.push(`| ${target} | ${median(rows[target].map((x) => x.rps)).toFixed(0)} | ${ratios.map((x) => x.toFixed(3)).join(' / ')} | **${median(ratios).toFixed(3)}** | ${median(rows[target].map((x) => x.cpu_us)).toFixed(0)} | ${median(rows[target].map((x) => x.pg_us)).toFixed(0)} | ${median(rows[target].map((x) => x.p99_ms)).toFixed(2)} |`);
  }
  const paired = rows.after.map((x, i) => x.rps / rows.before[i].rps);
  lines.push('', `after/before per round: ${paired.map((x) => x.toFixed(3)).join(' / ')}; median **${median(paired).toFixed(3)}**`);
  for (const [what, key] of [['server CPU per request', 'cpu_us'], ['PostgreSQL CPU per request', 'pg_us']]) {
    const cpu = rows.after.map((x, i) => x[key] / rows.before[i][key]);
    lines.push('', `${what}, after/before per round: ${cpu.map((x) => x.toFixed(2)).join(' / ')}; median **${median(cpu).toFixed(2)}**`);
  }
  console.log(lines.join('\n'));
} finally {
  for (const s of Object.values(servers)) s.child?.kill('SIGTERM');
  await sleep(500);
  for (const s of Object.values(servers)) if (s.child && s.child.exitCode === null) s.child.kill('SIGKILL');
  db.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
