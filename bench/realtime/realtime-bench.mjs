// Realtime benchmark: N concurrent SSE clients on one instance, all subscribed to one
// collection; each create must reach all of them. Reports delivery latency (from just
// before the create request is sent to the moment each client has the event),
// delivered counts and the server's RSS, for Galley (SQLite) and the bare floor
// server run in the same invocation. Traffic goes only to 127.0.0.1; every process
// started here is ended by its PID.
//
//   node bench/realtime/realtime-bench.mjs [--clients=10000] [--events=5] [--targets=floor,galley]
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { arg, CLI, createCollection, createSuperuser, freePort, sleep, superuserToken, waitHealthy } from '../lib/harness.mjs';
const CLIENTS = Number(arg('clients', 10000));
const EVENTS = Number(arg('events', 5));
const TARGETS = arg('targets', 'floor,galley').split(',');

const rssMb = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};
const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

async function startTarget(target) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  if (target === 'floor') {
    const child = spawn(process.execPath, ['bench/realtime/floor-sse-server.mjs', `--port=${port}`], { stdio: 'ignore' });
    await waitHealthy(base, child);
    return { base, child, headers: {}, cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'galley-rt-bench-'));
  createSuperuser(dir);
  const child = spawn(process.execPath, [CLI, 'serve', `--http=127.0.0.1:${port}`, '--dir', dir], { stdio: 'ignore' });
  await waitHealthy(base, child);
  const headers = { authorization: await superuserToken(base) };
  await createCollection(base, headers.authorization, { name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }] });
  return { base, child, headers, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One SSE client: resolves with its id once PB_CONNECT arrives; records event arrival times. */
function openClient(base, agent, onEvent) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/realtime`, { agent }, (res) => {
      let buffer = '';
      let id;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.includes('event:PB_CONNECT')) { id = /^id:(.*)$/m.exec(block)[1]; resolve({ id, req }); }
          else if (block.includes('event:notes/*')) onEvent(performance.now());
        }
      });
    });
    req.on('error', reject);
  });
}

async function runTarget(target) {
  const t = await startTarget(target);
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const postAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const arrivals = [];
  let current = [];
  const clients = [];
  const idle = rssMb(t.child.pid);
  const connectStart = performance.now();
  try {
    for (let i = 0; i < CLIENTS; i += 500) {
      const batch = await Promise.all(Array.from({ length: Math.min(500, CLIENTS - i) }, () => openClient(t.base, streamAgent, (at) => current.push(at))));
      clients.push(...batch);
    }
    const connectSecs = (performance.now() - connectStart) / 1000;
    const subscribeStart = performance.now();
    for (let i = 0; i < clients.length; i += 256) {
      await Promise.all(clients.slice(i, i + 256).map((c) => new Promise((resolve, reject) => {
        const body = JSON.stringify({ clientId: c.id, subscriptions: ['notes/*'] });
        const req = http.request(`${t.base}/api/realtime`, { method: 'POST', agent: postAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`subscribe: ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      })));
    }
    const subscribeSecs = (performance.now() - subscribeStart) / 1000;
    const connected = rssMb(t.child.pid);
    const latencies = [];
    const delivered = [];
    for (let e = 0; e < EVENTS; e++) {
      current = [];
      const sent = performance.now();
      const res = await fetch(`${t.base}/api/collections/notes/records`, { method: 'POST', headers: { ...t.headers, 'content-type': 'application/json' }, body: JSON.stringify({ title: `event ${e}` }) });
      if (!res.ok) throw new Error(`create: ${res.status}`);
      const deadline = performance.now() + 10_000;
      while (current.length < CLIENTS && performance.now() < deadline) await sleep(5);
      delivered.push(current.length);
      for (const at of current) latencies.push(at - sent);
      arrivals.push(...current);
      await sleep(200);
    }
    latencies.sort((a, b) => a - b);
    const after = rssMb(t.child.pid);
    return {
      target, clients: clients.length, connectSecs, subscribeSecs, delivered,
      p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies[latencies.length - 1],
      rssIdle: idle.rss, rssConnected: connected.rss, rssPeak: after.peak,
    };
  } finally {
    for (const c of clients) c.req.destroy();
    streamAgent.destroy();
    postAgent.destroy();
    t.child.kill('SIGTERM');
    await sleep(300);
    if (t.child.exitCode === null) t.child.kill('SIGKILL');
    t.cleanup();
  }
}

const rows = [];
for (const target of TARGETS) {
  process.stderr.write(`[realtime-bench] ${target}: ${CLIENTS} clients, ${EVENTS} events\n`);
  try {
    rows.push(await runTarget(target));
  } catch (err) {
    rows.push({ target, error: err.message });
  }
}
const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
console.log(`| target | clients | delivered per event | p50 ms | p99 ms | max ms | connect s | subscribe s | RSS idle MB | RSS connected MB | RSS peak MB |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const r of rows) {
  if (r.error) { console.log(`| ${r.target} | failed: ${r.error} |`); continue; }
  console.log(`| ${r.target} | ${r.clients} | ${r.delivered.join(' / ')} | ${f(r.p50, 1)} | ${f(r.p99, 1)} | ${f(r.max, 1)} | ${f(r.connectSecs, 1)} | ${f(r.subscribeSecs, 1)} | ${f(r.rssIdle)} | ${f(r.rssConnected)} | ${f(r.rssPeak)} |`);
}
