// Memory under load: one Galley server per engine, seeded (seed.mjs --rules), its
// resident memory (RSS) read idle, after a first stretch of mixed load (wrk/mixed.lua:
// reads as a guest and signed in, lists with totals, creates, updates) and after a
// second one. Targets: RSS after the first stretch within 1.5x of idle; no growth over
// the second (reported as the second stretch's RSS over the first's). RSS is sampled
// every 10 s during the load; the report has each stretch's last and peak value.
//
//   node bench/memory/memory-soak.mjs [--engines=sqlite,postgres] [--minutes=3] [--rows=20000] [--connections=50]
import { readFileSync } from 'node:fs';
import { arg, sleep, superuserToken, wrk } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';
import { patchAs, startSeededGalley } from '../lib/galley-server.mjs';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const MINUTES = Number(arg('minutes', 3));
const ROWS = Number(arg('rows', 20000));
const CONNECTIONS = Number(arg('connections', 50));
const log = (m) => process.stderr.write(`[memory-soak] ${m}\n`);

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function stretch(base, pid, files) {
  const samples = [];
  const sampler = setInterval(() => samples.push(rssMiB(pid)), 10_000);
  // wrk blocks this thread (spawnSync); run it in slices so the sampler gets its turns.
  const result = { requests: 0, non2xx: 0 };
  const until = Date.now() + MINUTES * 60_000;
  while (Date.now() < until) {
    const r = wrk(base, { script: 'bench/wrk/mixed.lua', seconds: Math.min(10, Math.ceil((until - Date.now()) / 1000)), connections: CONNECTIONS, args: files });
    result.requests += r.requests;
    result.non2xx += r.non2xx;
    samples.push(rssMiB(pid));
    await sleep(10);
  }
  clearInterval(sampler);
  return { ...result, last: rssMiB(pid), peak: Math.max(...samples) };
}

async function runEngine(engine) {
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  let server;
  try {
    server = await startSeededGalley({ db: pg?.url ?? '', rows: ROWS, name: 'memory' });
    const { base, child } = server;
    const su = await superuserToken(base);
    await patchAs(base, su, '/api/collections/posts', { listRule: 'owner = @request.auth.id || @request.auth.id = ""', viewRule: '', createRule: '', updateRule: '' });
    await patchAs(base, su, '/api/settings', { rateLimits: { enabled: false } });
    await sleep(5000);
    const files = [server.ids, server.token];
    const idle = rssMiB(child.pid);
    log(`${engine}: idle ${idle.toFixed(0)} MiB`);
    const first = await stretch(base, child.pid, files);
    log(`${engine}: after ${MINUTES} min ${first.last.toFixed(0)} MiB (peak ${first.peak.toFixed(0)}), ${first.requests} requests, ${first.non2xx} errors`);
    const second = await stretch(base, child.pid, files);
    log(`${engine}: after ${2 * MINUTES} min ${second.last.toFixed(0)} MiB (peak ${second.peak.toFixed(0)}), ${second.requests} requests, ${second.non2xx} errors`);
    return { engine, idle, first, second };
  } finally {
    await server?.stop();
    pg?.stop();
  }
}

const lines = [
  `Mixed load (wrk/mixed.lua, ${CONNECTIONS} connections), two stretches of ${MINUTES} min after seeding ${ROWS} posts; RSS of the server process.`,
  '',
  '| engine | idle RSS | after stretch 1 (peak) | after stretch 2 (peak) | stretch 1 / idle (target ≤ 1.5) | stretch 2 / stretch 1 (no growth) | requests | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const engine of ENGINES) {
  const r = await runEngine(engine);
  lines.push(`| ${engine} | ${r.idle.toFixed(0)} MiB | ${r.first.last.toFixed(0)} (${r.first.peak.toFixed(0)}) MiB | ${r.second.last.toFixed(0)} (${r.second.peak.toFixed(0)}) MiB | ${(r.first.last / r.idle).toFixed(2)} | ${(r.second.last / r.first.last).toFixed(2)} | ${r.first.requests + r.second.requests} | ${r.first.non2xx + r.second.non2xx} |`);
}
console.log(lines.join('\n'));
