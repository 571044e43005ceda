// Shared by the Node-driven benchmarks (realtime, files, hooks): flags, free ports,
// waiting for a server, the superuser every benchmark signs in as, and one wrk run
// read through wrk/report.lua's BENCH line. Traffic goes to 127.0.0.1 only.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { spawnSync, execFileSync } from 'node:child_process';

export const CLI = 'dist/cli/main.js';
export const SUPERUSER = { email: 'bench@example.com', password: 'benchpassword123' };

/** `--name=value` from argv, or the default. */
export const arg = (name, def) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

/** Polls /api/health until it answers (20 s at most); fails early if the server exited. */
export async function waitHealthy(base, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try { if ((await fetch(`${base}/api/health`)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error('server did not start');
}

/** Creates the benchmark superuser in a fresh data directory (through the CLI). */
export function createSuperuser(dir) {
  execFileSync(process.execPath, [CLI, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir], { stdio: 'ignore' });
}

/** The superuser's token on a running server. */
export async function superuserToken(base) {
  const res = await fetch(`${base}/api/collections/_superusers/auth-with-password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: SUPERUSER.email, password: SUPERUSER.password }),
  });
  if (!res.ok) throw new Error(`superuser sign-in: ${res.status}`);
  return (await res.json()).token;
}

/** Creates a collection as the superuser; throws with the API's answer when refused. */
export async function createCollection(base, token, definition) {
  const res = await fetch(`${base}/api/collections`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify(definition) });
  if (!res.ok) throw new Error(`collection: ${await res.text()}`);
}

/** One wrk run on core 1: `{requests, rps, p50_ms, p99_ms, non2xx, socket_errors}`; `args` go to the script (after `--`). */
export function wrk(url, { script, seconds, connections, args = [] }) {
  const out = spawnSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url, ...(args.length ? ['--', ...args] : [])], { encoding: 'utf8' });
  const line = out.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`wrk failed: ${out.stderr}`);
  return Object.fromEntries(line.slice(6).split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** A process's CPU time so far (user + system; all threads, or the one thread `tid`), in microseconds: steadier than req/s on a busy machine. */
export function cpuMicros(pid, tid) {
  const fields = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // utime, stime in clock ticks (USER_HZ 100)
}
