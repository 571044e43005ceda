// Hook cost benchmark: create throughput (wrk, POST /api/collections/posts/records)
// of Galley (SQLite) without hooks and with one empty before-create hook, alternated
// over several rounds, server on core 0 and wrk on core 1. Target: the hook costs
// under 10% of create throughput.
//
//   node bench/hooks/hook-cost.mjs [--seconds=10] [--rounds=3] [--connections=50]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, createCollection, createSuperuser, freePort, sleep, superuserToken, waitHealthy, wrk } from '../lib/harness.mjs';
const SECONDS = Number(arg('seconds', 10));
const ROUNDS = Number(arg('rounds', 3));
const CONNECTIONS = Number(arg('connections', 50));
async function run(withHook) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-hook-bench-'));
  createSuperuser(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('taskset', ['-c', '0', process.execPath, 'bench/hooks/hook-server.mjs', `--port=${port}`, `--dir=${dir}`, ...(withHook ? ['--hook'] : [])], { stdio: 'ignore' });
  try {
    await waitHealthy(base, child);
    await createCollection(base, await superuserToken(base), { name: 'posts', type: 'base', createRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }, { name: 'created', type: 'autodate', onCreate: true, onUpdate: false }] });
    wrk(base, { script: 'bench/wrk/create.lua', seconds: 2, connections: 10 }); // warm-up
    return wrk(base, { script: 'bench/wrk/create.lua', seconds: SECONDS, connections: CONNECTIONS });
  } finally {
    child.kill('SIGTERM');
    await sleep(300);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = { none: [], hook: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of ['none', 'hook']) {
    const result = await run(kind === 'hook');
    process.stderr.write(`[hook-cost] round ${r + 1} ${kind}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99_ms.toFixed(2)} ms, errors ${result.non2xx + result.socket_errors}\n`);
    results[kind].push(result);
  }
}
const best = (list) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
const none = best(results.none);
const hook = best(results.hook);
console.log('| target | best req/s | p50 ms | p99 ms | all rounds req/s |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, list, b] of [['no hook', results.none, none], ['empty onRecordCreate hook', results.hook, hook]])
  console.log(`| ${name} | ${b.rps.toFixed(0)} | ${b.p50_ms.toFixed(2)} | ${b.p99_ms.toFixed(2)} | ${list.map((x) => x.rps.toFixed(0)).join(' / ')} |`);
console.log(`\nhook / no hook = ${(hook.rps / none.rps).toFixed(3)} (cost ${((1 - hook.rps / none.rps) * 100).toFixed(1)}%)`);
