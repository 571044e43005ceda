// Signed-in reads, lists with totals and creates (issue: signed-in requests as fast as
// public ones): Galley as built now ("after") and, optionally, another build
// ("before", e.g. a checkout of the previous release) beside the bare floor server,
// on SQLite and PostgreSQL, measured in interleaved rounds in one run.
//
//   node bench/caches/cache-bench.mjs [--before=/path/to/other/dist/cli/main.js]
//        [--engines=sqlite,postgres] [--rows=20000] [--seconds=5] [--rounds=3] [--connections=50] [--writes=20]
//        [--scenarios=get-one,create]   (a subset)
//
// Data: `seed.mjs --rules` (posts with an owner among 100 users and an author), and
// the posts rules set so that one collection serves every scenario:
//   listRule `owner = @request.auth.id || @request.auth.id = ""` (guests list all,
//   a signed-in user their own), viewRule and createRule public.
// Scenarios: get-one as a guest and with a user's token (target: token/guest >= 0.95
// on the same server); list (first pages, totals), list-filter (n >= 5000), list-owner
// (the owner rule, signed in), each with `--writes` creates per second running beside
// them (so cached totals are invalidated as in a live app); list-revalidate (the first
// page with If-None-Match: the gain of an ETag hit); create. Ratios: against
// the floor where it serves the scenario (get-one, list, create), otherwise against
// the "before" build. Server on core 0, wrk on core 1; CPU µs per request from /proc.
//
// Needs root (PostgreSQL runs as the `postgres` user); builds nothing: run
// `npx tsc -p tsconfig.build.json` first.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { arg, CLI, SUPERUSER, cpuMicros, freePort, median, sleep, superuserToken, waitHealthy, wrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const ROWS = Number(arg('rows', 20000));
const SECONDS = Number(arg('seconds', 5));
const ROUNDS = Number(arg('rounds', 3));
const CONNECTIONS = Number(arg('connections', 50));
const WRITES_PER_SECOND = Number(arg('writes', 20));
const BEFORE = arg('before', '');
const ONLY = arg('scenarios', '');

const OWNER_RULE = 'owner = @request.auth.id || @request.auth.id = ""';
/** name → [lua script, needs token, writes beside, floor serves it] */
const SCENARIOS = {
  'get-one': ['bench/wrk/get-one.lua', false, false, true],
  'get-one-auth': ['bench/wrk/get-one-auth.lua', true, false, false],
  list: ['bench/wrk/list.lua', false, true, true],
  'list-filter': ['bench/wrk/list-filter.lua', false, true, false],
  'list-owner': ['bench/wrk/list-owner.lua', true, true, false],
  // A browser revalidating the first page (If-None-Match): 304s where validators exist; no writes beside.
  'list-revalidate': ['bench/wrk/list-revalidate.lua', false, false, false],
  create: ['bench/wrk/create.lua', false, false, true],
};

const log = (m) => process.stderr.write(`[cache-bench] ${m}\n`);

async function startServer(kind, engine, pgUrl, name) {
  const dir = mkdtempSync(join(tmpdir(), `galley-cache-bench-${name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let dbUrl = '';
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    dbUrl = pgUrl.replace(/\/postgres$/, `/${name}`);
  }
  const ids = join(dir, 'ids.txt');
  const token = join(dir, 'token.txt');
  let child;
  if (kind === 'floor') {
    const server = engine === 'sqlite' ? 'bench/floor/sqlite-server.mjs' : 'bench/floor/postgres-server.mjs';
    child = spawn('taskset', ['-c', '0', process.execPath, server, `--port=${port}`, `--db=${dbUrl || join(dir, 'data.db')}`, `--rows=${ROWS}`, `--ids=${ids}`], { stdio: 'ignore' });
    await waitHealthy(base, child);
    return { kind, name, base, child, ids, token: undefined, dir };
  }
  const cli = kind === 'before' ? BEFORE : CLI;
  const db = dbUrl ? ['--db', dbUrl] : [];
  execFileSync(process.execPath, [cli, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...db], { stdio: 'ignore' });
  const started = Date.now();
  child = spawn('taskset', ['-c', '0', process.execPath, cli, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...db], { stdio: 'ignore' });
  await waitHealthy(base, child);
  log(`${name}: healthy ${Date.now() - started} ms after spawn`);
  execFileSync(process.execPath, ['bench/seed.mjs', `--url=${base}`, `--rows=${ROWS}`, `--ids=${ids}`, `--email=${SUPERUSER.email}`, `--password=${SUPERUSER.password}`, '--rules', `--token=${token}`], { stdio: 'ignore' });
  const su = await superuserToken(base);
  const res = await fetch(`${base}/api/collections/posts`, {
    method: 'PATCH', headers: { authorization: su, 'content-type': 'application/json' },
    body: JSON.stringify({ listRule: OWNER_RULE, viewRule: '', createRule: '' }),
  });
  if (!res.ok) throw new Error(`posts rules: ${await res.text()}`);
  const off = await fetch(`${base}/api/settings`, {
    method: 'PATCH', headers: { authorization: su, 'content-type': 'application/json' },
    body: JSON.stringify({ rateLimits: { enabled: false } }),
  });
  if (!off.ok) throw new Error(`settings: ${await off.text()}`);
  return { kind, name, base, child, ids, token, dir };
}

/** Creates `perSecond` posts a second until stopped (the writes beside a list load). */
function writesBeside(base, perSecond) {
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    while (!stopped) {
      const t0 = Date.now();
      await fetch(`${base}/api/collections/posts/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `beside ${n}`, n: n++ }) }).then((r) => r.arrayBuffer()).catch(() => {});
      await sleep(Math.max(0, 1000 / perSecond - (Date.now() - t0)));
    }
  })();
  return async () => { stopped = true; await loop; };
}

function measure(server, scenario, seconds) {
  const [script, needsToken] = SCENARIOS[scenario];
  const args = scenario === 'get-one' ? [server.ids] : needsToken ? [server.ids, server.token] : [];
  const cpu0 = cpuMicros(server.child.pid);
  const result = wrk(server.base, { script, seconds, connections: CONNECTIONS, args });
  result.cpu_us = (cpuMicros(server.child.pid) - cpu0) / Math.max(1, result.requests);
  return result;
}

async function runEngine(engine) {
  const pgServer = engine === 'postgres' ? await startPostgres() : undefined;
  const servers = [];
  try {
    servers.push(await startServer('floor', engine, pgServer?.url, 'floor'));
    servers.push(await startServer('after', engine, pgServer?.url, 'after'));
    if (BEFORE) servers.push(await startServer('before', engine, pgServer?.url, 'before'));
    const results = {};
    for (const [scenario, [, , beside, floorServes]] of Object.entries(SCENARIOS)) {
      if (ONLY && !ONLY.split(',').includes(scenario)) continue;
      const targets = servers.filter((s) => s.kind !== 'floor' || floorServes);
      results[scenario] = Object.fromEntries(targets.map((s) => [s.kind, []]));
      for (let r = 0; r < ROUNDS; r++) {
        // Rotate the order each round so a drift in the machine's speed favours none.
        const order = targets.map((_, i) => targets[(i + r) % targets.length]);
        for (const server of order) {
          measure(server, scenario, 1); // warm-up
          const stop = beside ? writesBeside(server.base, WRITES_PER_SECOND) : undefined;
          const result = measure(server, scenario, SECONDS);
          await stop?.();
          results[scenario][server.kind].push(result);
          log(`${engine} ${scenario} round ${r + 1} ${server.kind}: ${result.rps.toFixed(0)} req/s, ${result.cpu_us.toFixed(0)} µs CPU/req, p99 ${result.p99_ms.toFixed(2)} ms, non-2xx ${result.non2xx}`);
        }
      }
    }
    const memory = Object.fromEntries(servers.filter((s) => s.kind !== 'floor').map((s) => [s.kind, rssMiB(s.child.pid)]));
    return { results, memory };
  } finally {
    for (const s of servers) {
      s.child.kill('SIGTERM');
    }
    await sleep(800);
    for (const s of servers) {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      rmSync(s.dir, { recursive: true, force: true });
    }
    pgServer?.stop();
  }
}

/** Resident memory of the node process under taskset (its only child). */
function rssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return NaN;
  }
}

const pairedRatio = (a, b) => median(a.map((x, i) => x.rps / b[i].rps));
const lines = [
  `Issue 17 scenarios, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, ${ROWS} seeded posts, ${WRITES_PER_SECOND} creates/s beside the list scenarios. Ratios are medians of per-round ratios.`,
  '',
  '| engine | scenario | floor req/s | before req/s | after req/s | after / floor | before / floor | after / before | CPU µs/req before → after |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
const authLines = [];
for (const engine of ENGINES) {
  const { results } = await runEngine(engine);
  for (const [scenario, byKind] of Object.entries(results)) {
    const med = (kind) => (byKind[kind] ? median(byKind[kind].map((x) => x.rps)).toFixed(0) : '–');
    const ratio = (a, b) => (byKind[a] && byKind[b] ? pairedRatio(byKind[a], byKind[b]).toFixed(3) : '–');
    const cpu = (kind) => (byKind[kind] ? median(byKind[kind].map((x) => x.cpu_us)).toFixed(0) : '–');
    lines.push(`| ${engine} | ${scenario} | ${med('floor')} | ${med('before')} | ${med('after')} | ${ratio('after', 'floor')} | ${ratio('before', 'floor')} | ${ratio('after', 'before')} | ${cpu('before')} → ${cpu('after')} |`);
  }
  for (const kind of ['before', 'after']) {
    const pub = results['get-one']?.[kind];
    const auth = results['get-one-auth']?.[kind];
    if (pub && auth) authLines.push(`| ${engine} | ${kind} | ${median(auth.map((x) => x.rps)).toFixed(0)} / ${median(pub.map((x) => x.rps)).toFixed(0)} | **${pairedRatio(auth, pub).toFixed(3)}** |`);
  }
}
lines.push('', 'Signed-in get-one against the same server\'s public get-one (target ≥ 0.95):', '', '| engine | build | token / guest req/s | ratio |', '| --- | --- | ---: | ---: |', ...authLines);
console.log(lines.join('\n'));
