// The rate limiter's own work per request, in process (no HTTP, no wrk): RateLimiter.check
// for a get-one request under a `/api/` rule no run reaches, with the memory counter
// (SQLite) and the leased counter (PostgreSQL): from one client address, from 10 000
// (leases last the window: after the first, checks are local), and from a new address
// on every check, 50 at a time (every check needs a lease: the leased counter's worst
// case, batched as under 50 connections). CPU time of this process (process.cpuUsage:
// steadier than wall time on a shared machine) per check, median of 7 runs, and on
// PostgreSQL the database server's CPU time per check.
//
//   node bench/rate-limits/check-time.mjs [--engines=sqlite,postgres] [--checks=200000]
//
// Needs root for PostgreSQL (as bench/lib/postgres.mjs); run `npx tsc -p tsconfig.build.json` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, median } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';
import { pgCpuMicros } from './pg-cpu.mjs';
import { GalleyCore } from '../../dist/core/galley-core.js';
import { RateLimiter } from '../../dist/server/rate-limit/rate-limiter.js';
import { rateLimitCounterFor } from '../../dist/server/rate-limit/rate-limit-counter.js';
import { GUEST } from '../../dist/core/auth/request-auth.js';

const ENGINES = arg('engines', 'sqlite,postgres').split(',');
const CHECKS = Number(arg('checks', 200000));
const SETTINGS = { enabled: true, excludedIPs: [], rules: [{ label: '/api/', audience: '', duration: 10, maxRequests: 1_000_000_000 }] };

const request = (id) => ({
  method: 'GET', url: `/api/collections/posts/records/${id}`, routeOptions: { url: '/api/collections/:c/records/:id' },
  params: { c: 'posts', id }, auth: GUEST, headers: {},
});

for (const engine of ENGINES) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-ratelimit-check-'));
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const core = await GalleyCore.open({ dir, db: pg?.url ?? '', metrics: false });
  try {
    const reqs = Array.from({ length: 1000 }, (_, i) => request(`id${i}`));
    let fresh = 0;
    const scenarios = [
      ['1 client', CHECKS, () => '10.0.0.1'],
      ['10000 clients', CHECKS, (i) => `10.0.${(i % 10000 >> 8) & 255}.${i % 10000 & 255}`],
      ['a new client every check', CHECKS / 20, () => `n${++fresh}`],
    ];
    for (const [name, checks, ipOf] of scenarios) {
      const limiter = new RateLimiter(core.collections, rateLimitCounterFor(core.store, (err) => { throw err; }));
      const times = [];
      const pgTimes = [];
      for (let run = 0; run < 8; run++) {
        const t0 = process.cpuUsage();
        const pg0 = pgCpuMicros(pg);
        for (let i = 0; i < checks; i += 50) {
          const outs = [];
          for (let j = i; j < i + 50; j++) outs.push(limiter.check(reqs[j % 1000], SETTINGS, () => ipOf(j)));
          for (const out of outs) if ((out instanceof Promise ? await out : out) !== undefined) throw new Error('refused');
        }
        const used = process.cpuUsage(t0);
        if (run > 0) { // the first run warms up
          times.push((used.user + used.system) / checks);
          pgTimes.push((pgCpuMicros(pg) - pg0) / checks);
        }
      }
      const pgPart = pg ? `, PostgreSQL ${median(pgTimes).toFixed(2)} µs` : '';
      console.log(`${engine}, ${name}: ${median(times).toFixed(2)} µs CPU per check${pgPart} (median of ${times.length} runs of ${checks})`);
    }
  } finally {
    await core.close();
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
