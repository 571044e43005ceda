// Turns the tab-separated lines run.sh collects into the Markdown report.
//   meta    KEY      VALUE
//   run     TARGET   SCENARIO  RPS  P99_MS  NON2XX  SOCKET_ERRORS  REQUESTS  OTHER_CPU_PCT  SPAWNED  P50_MS  SERVER_CPU_PCT
//   rss     TARGET   IDLE_KB   AFTER_LOAD_KB
//   fail    TARGET   REASON
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const meta = new Map(lines.filter((l) => l[0] === 'meta').map((l) => [l[1], l[2]]));
// With several rounds, the best one: noise from the rest of the machine only
// ever slows a run down.
const runs = new Map();
for (const l of lines.filter((l) => l[0] === 'run')) {
  const key = `${l[1]}/${l[2]}`;
  if (!runs.has(key) || Number(l[3]) > Number(runs.get(key)[3])) runs.set(key, l);
}
// A run is suspect when other processes used more than 10% of a core, or
// more than 10 processes were started on the machine meanwhile.
const NOISY_CPU = 10;
const NOISY_SPAWNED = 10;
let noisy = false;
const rss = new Map(lines.filter((l) => l[0] === 'rss').map((l) => [l[1], l]));
const fails = new Map(lines.filter((l) => l[0] === 'fail').map((l) => [l[1], l[2]]));
const targets = (meta.get('targets') ?? '').split(' ').filter(Boolean);
const scenarios = (meta.get('scenarios') ?? '').split(' ').filter(Boolean);
const rulesScenarios = (meta.get('rules_scenarios') ?? '').split(' ').filter(Boolean);
const rulesTargets = targets.filter((t) => t.startsWith('galley-rules-'));
const loginScenarios = (meta.get('login_scenarios') ?? '').split(' ').filter(Boolean);
// Each rules scenario's target, as a fraction of the same target's public list.
const RULES_GOALS = { 'list-owner': 0.8, 'list-expand': 0.7 };

const num = (x) => Math.round(Number(x)).toLocaleString('en-US');
const mb = (kb) => (kb ? `${(Number(kb) / 1024).toFixed(0)} MiB` : '–');

// A run whose responses were mostly errors measured the error path, not the
// route: it is shown as failed. A few errors are shown next to the number.
function cell(target, scenario) {
  if (!targets.includes(target)) return { rps: 'not run', p99: '–', p50p99: '–', cpu: '–' };
  const r = runs.get(`${target}/${scenario}`);
  if (!r) return { rps: 'failed', p99: '–', p50p99: '–', cpu: '–' };
  const [, , , rps, p99, non2xx, socket, requests, other, spawned, p50, serverCpu] = r;
  const errors = Number(non2xx) + Number(socket);
  if (errors > 0 && errors >= Number(requests) / 100) return { rps: `failed (${num(errors)} errors)`, p99: '–', p50p99: '–', cpu: '–', bad: true };
  let note = errors > 0 ? ` (${errors} errors)` : '';
  if (Number(other) > NOISY_CPU || Number(spawned) > NOISY_SPAWNED) {
    note += ' ⚠';
    noisy = true;
  }
  // Server-side CPU per request: the cores it used (server, and PostgreSQL's
  // processes when used) over the requests per second.
  const cpuMs = serverCpu !== undefined && Number(rps) > 0 ? (Number(serverCpu) / 100 / Number(rps)) * 1000 : undefined;
  return {
    rps: num(rps) + note,
    p99: `${Number(p99).toFixed(1)} ms`,
    p50p99: p50 === undefined ? '–' : `${Number(p50).toFixed(0)} / ${Number(p99).toFixed(0)} ms`,
    cpu: cpuMs === undefined ? '–' : `${cpuMs.toFixed(1)} ms (${Number(serverCpu)}%)`,
    value: Number(rps),
  };
}

const out = [];
out.push('# Galley benchmark', '');
out.push(
  `${meta.get('date')} · commit ${meta.get('commit')} · ` +
    (targets.some((t) => !t.includes('-login-')) ? `${num(meta.get('rows'))} seeded rows · ` : '') +
    `wrk -t1 -c${meta.get('connections')} -d${meta.get('seconds')}s after a ${meta.get('warmup')}s warm-up` +
    (Number(meta.get('rounds')) > 1 ? `, best of ${meta.get('rounds')} · ` : ' · ') +
    `server on core 0, wrk on core 1`,
);
out.push('', `${meta.get('cpu')} · node ${meta.get('node')} · ${meta.get('wrk')} · PostgreSQL ${meta.get('postgres')}`, '');
const floorRows = [];
for (const db of ['sqlite', 'postgres']) {
  const floor = `floor-${db}`;
  const galley = `galley-${db}`;
  if (!targets.includes(floor) && !targets.includes(galley)) continue;
  for (const s of scenarios) {
    const f = cell(floor, s);
    const g = cell(galley, s);
    const ratio = f.value && g.value ? (g.value / f.value).toFixed(2) : '–';
    floorRows.push(`| ${db} ${s} | ${f.rps} | ${g.rps} | ${ratio} | ${f.p99} | ${g.p99} |`);
  }
}
if (floorRows.length > 0) {
  out.push('| scenario | floor req/s | Galley req/s | Galley/floor | floor p99 | Galley p99 |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |', ...floorRows, '');
}

// API rules and expand: Galley only, each ratio against the same target's
// public list (same data, same server process).
if (rulesTargets.length > 0) {
  out.push('| rules scenario | req/s | ratio to public list | target | p99 |');
  out.push('| --- | ---: | ---: | ---: | ---: |');
  for (const t of rulesTargets) {
    const db = t.slice('galley-rules-'.length);
    const base = cell(t, 'list');
    for (const s of rulesScenarios) {
      const c = cell(t, s);
      const goal = RULES_GOALS[s];
      let ratio = '–';
      if (s === 'list') ratio = base.value ? '1.00' : '–';
      else if (base.value && c.value) {
        const r = c.value / base.value;
        ratio = `${r.toFixed(2)} ${r >= goal ? '✓' : '✗'}`;
      }
      out.push(`| ${db} ${s} | ${c.rps} | ${ratio} | ${goal ? `≥ ${goal}` : '–'} | ${c.p99} |`);
    }
  }
  out.push('');
}

// Password sign-in: Galley against the login floor (same argon2id parameters,
// same lookup, no framework around it), and the in-process hash cost.
const loginRows = [];
for (const db of ['sqlite', 'postgres']) {
  const floor = `floor-login-${db}`;
  const galley = `galley-login-${db}`;
  if (!targets.includes(floor) && !targets.includes(galley)) continue;
  for (const s of loginScenarios) {
    const f = cell(floor, s);
    const g = cell(galley, s);
    const ratio = f.value && g.value ? (g.value / f.value).toFixed(2) : '–';
    loginRows.push(`| ${db} ${s} | ${f.rps} | ${g.rps} | ${ratio} | ${f.p50p99} | ${g.p50p99} | ${f.cpu} | ${g.cpu} |`);
  }
}
if (loginRows.length > 0) {
  out.push(`Password sign-in, ${meta.get('login_users') ?? '?'} seeded users in rotation, rate limiting off:`, '');
  out.push('| login scenario | floor req/s | Galley req/s | Galley/floor | floor p50 / p99 | Galley p50 / p99 | floor CPU/login (server CPU) | Galley CPU/login (server CPU) |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |', ...loginRows, '');
  if (meta.has('hash_ms')) {
    out.push(
      `In process (core 0, one call at a time, median of ${meta.get('runs')}): hashPassword ${meta.get('hash_ms')} ms, ` +
        `verifyPassword ${meta.get('verify_ms')} ms (wrong password ${meta.get('verify_wrong_ms')} ms, ` +
        `no stored hash ${meta.get('verify_dummy_ms')} ms).`,
      '',
    );
  }
}

if (noisy) {
  out.push(
    `⚠ Other processes were busy on the machine during this run (more than ${NOISY_CPU}% of a core, ` +
      `or more than ${NOISY_SPAWNED} processes started): they took CPU from the server or wrk, so the number ` +
      'is low. Rerun on a quiet machine, or with BENCH_ROUNDS=3.',
    '',
  );
}

out.push('| server | RSS idle (seeded, before load) | RSS after load |', '| --- | ---: | ---: |');
for (const t of targets) {
  const r = rss.get(t);
  out.push(`| ${t} | ${r ? mb(r[2]) : 'failed'} | ${r ? mb(r[3]) : '–'} |`);
}

if (fails.size > 0) {
  out.push('', 'Failures:', '');
  for (const [t, reason] of fails) out.push(`- ${t}: ${reason}`);
}
console.log(out.join('\n'));
