// Signed-in reads, lists with totals and creates (issue: signed-in requests as fast as
// public ones): Galley as built now ("after") and, optionally, another build
// ("before", e.g. a checkout of the previous release) beside the bare floor server,
// on SQLite and PostgreSQL, measured in interleaved rounds in one run.
//
//   node bench/caches/cache-bench.mjs [--before=/path/to/other/dist/cli/main.js]
//        [--engines=sqlite,postgres] [--rows=20000] [--seconds=5] [--rounds=3] [--connections=50] [--writes=20]
//        [--scenarios=get-one,create]   (a subset)   [--floor=plain]
//
// Data: `seed.mjs --rules` (posts with an owner among 100 users and an author; the
// floor's table has the same columns and owner index, `--rules` of the floors), and
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
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, CLI, cpuMicros, freePort, median, sleep, superuserToken, waitHealthy, wrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';
import { createDatabase, patchAs, startSeededGalley } from '../lib/galley-server.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const ROWS = Number(arg('rows', 20000));
const SECONDS = Number(arg('seconds', 5));
const ROUNDS = Number(arg('rounds', 3));
const CONNECTIONS = Number(arg('connections', 50));
const WRITES_PER_SECOND = Number(arg('writes', 20));
const BEFORE = arg('before', '');
const ONLY = arg('scenarios', '');
// The floor's posts: the same columns and index as the seeded ones (default), or
// `--floor=plain` for the two-field table it had before (runs before 2026-12-07's
// seventh session: no owner index to keep up on a create, two fields fewer per record).
const FLOOR_RULES = arg('floor', 'rules') !== 'plain';

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
  const db = pgUrl ? await createDatabase(pgUrl, name) : '';
  if (kind === 'floor') {
    const dir = mkdtempSync(join(tmpdir(), `galley-cache-bench-${name}-`));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const ids = join(dir, 'ids.txt');
    const server = engine === 'sqlite' ? 'bench/floor/sqlite-server.mjs' : 'bench/floor/postgres-server.mjs';
    const child = spawn('taskset', ['-c', '0', process.execPath, server, `--port=${port}`, `--db=${db || join(dir, 'data.db')}`, `--rows=${ROWS}`, `--ids=${ids}`, ...(FLOOR_RULES ? ['--rules'] : [])], { stdio: 'ignore' });
    const stop = async () => { child.kill('SIGTERM'); await sleep(800); if (child.exitCode === null) child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); };
    await waitHealthy(base, child);
    return { kind, name, base, child, ids, token: undefined, stop };
  }
  const server = await startSeededGalley({ db, cli: kind === 'before' ? BEFORE : CLI, rows: ROWS, name });
  log(`${name}: healthy ${server.startedMs} ms after spawn`);
  const su = await superuserToken(server.base);
  await patchAs(server.base, su, '/api/collections/posts', { listRule: OWNER_RULE, viewRule: '', createRule: '' });
  await patchAs(server.base, su, '/api/settings', { rateLimits: { enabled: false } });
  return { kind, ...server };
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
    const chosen = Object.entries(SCENARIOS).filter(([scenario]) => !ONLY || ONLY.split(',').includes(scenario));
    // Rounds outside, scenarios inside: the get-one and get-one-auth runs paired into the
    // signed-in ratio are measured minutes apart otherwise, and the machine drifts. The
    // creates come after every read: the rows they add would slow the floor's COUNTs.
    const groups = [chosen.filter(([scenario]) => scenario !== 'create'), chosen.filter(([scenario]) => scenario === 'create')];
    for (const scenarios of groups) for (let r = 0; r < ROUNDS; r++) {
      for (const [scenario, [, , beside, floorServes]] of scenarios) {
        const targets = servers.filter((s) => s.kind !== 'floor' || floorServes);
        results[scenario] ??= Object.fromEntries(targets.map((s) => [s.kind, []]));
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
    await Promise.all(servers.map((s) => s.stop()));
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
