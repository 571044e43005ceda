/**
 * The durable job queue (src/jobs, docs/jobs.md) on both engines: jobs run once and
 * end done; a failing handler is retried with growing waits and ends failed (its
 * giveUp told) after maxAttempts; a dedupe key keeps one queued job; jobs enqueued with
 * no queue running (or claimed by an instance that died) run after a restart once the
 * lease has expired; a job enqueued in a rolled-back transaction never runs. On
 * PostgreSQL, two instances sharing the database run every job exactly once.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GalleyCore } from '../src/core/galley-core.js';
import { createPgDatabase, ENGINES, type Engine } from './support/galley.js';
import { eventually } from './support/realtime.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opened: { core: GalleyCore; dir: string }[] = [];

async function open(engine: Engine, db?: string, dir = mkdtempSync(join(tmpdir(), 'galley-jobs-'))): Promise<{ core: GalleyCore; dir: string; db: string }> {
  const url = db ?? (engine === 'postgres' ? await createPgDatabase() : '');
  const core = await GalleyCore.open({ dir, db: url });
  opened.push({ core, dir });
  return { core, dir, db: url };
}

afterEach(async () => {
  for (const { core, dir } of opened.splice(0)) {
    await core.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(ENGINES)('jobs on %s', (engine) => {
  it('runs each job once and marks it done', async () => {
    const { core } = await open(engine);
    const seen: number[] = [];
    core.jobs.register<{ n: number }>('count', { concurrency: 3, run: async (job) => { seen.push(job.payload.n); } });
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => core.jobs.enqueue('count', { n })));
    core.jobs.start({ pollMs: 50 });
    await core.jobs.idle();
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
    for (const id of ids) expect((await core.jobs.jobs.byId(id))?.status).toBe('done');
  });

  it('retries a failing handler with exponential backoff, then fails it for good and tells giveUp', async () => {
    const { core } = await open(engine);
    const runs: number[] = [];
    const gaveUp: string[] = [];
    core.jobs.register('flaky', {
      maxAttempts: 4, backoffMs: 100,
      run: async () => { runs.push(Date.now()); throw new Error(`boom ${runs.length}`); },
      giveUp: async (_job, error) => { gaveUp.push(error); },
    });
    core.jobs.start({ pollMs: 20 });
    const id = await core.jobs.enqueue('flaky', {});
    await eventually(async () => expect((await core.jobs.jobs.byId(id))?.status).toBe('failed'), 10_000);
    expect(runs).toHaveLength(4);
    const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
    // 100, 200, 400 ms (plus polling).
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    expect(gaveUp).toEqual(['boom 4']);
    const row = await core.jobs.jobs.byId(id);
    expect(row).toMatchObject({ attempts: 4, lastError: 'boom 4' });
  });

  it('succeeds on a retry after transient failures', async () => {
    const { core } = await open(engine);
    let runs = 0;
    core.jobs.register('transient', { backoffMs: 30, run: async () => { if (++runs < 3) throw new Error('not yet'); } });
    core.jobs.start({ pollMs: 20 });
    const id = await core.jobs.enqueue('transient', {});
    await eventually(async () => expect((await core.jobs.jobs.byId(id))?.status).toBe('done'), 5000);
    expect(runs).toBe(3);
  });

  it('keeps one queued job per dedupe key, with the newest payload', async () => {
    const { core } = await open(engine);
    const seen: string[] = [];
    core.jobs.register<{ v: string }>('dedupe', { run: async (job) => { seen.push(job.payload.v); } });
    const a = await core.jobs.enqueue('dedupe', { v: 'first' }, { key: 'doc-1' });
    const b = await core.jobs.enqueue('dedupe', { v: 'second' }, { key: 'doc-1' });
    await core.jobs.enqueue('dedupe', { v: 'other' }, { key: 'doc-2' });
    expect(b).toBe(a);
    core.jobs.start({ pollMs: 20 });
    await core.jobs.idle();
    expect(seen.sort()).toEqual(['other', 'second']);
  });

  it('drops a job enqueued in a transaction that rolled back', async () => {
    const { core } = await open(engine);
    const seen: string[] = [];
    core.jobs.register<{ v: string }>('tx', { run: async (job) => { seen.push(job.payload.v); } });
    await core.store.transaction(async (tx) => { await core.jobs.enqueue('tx', { v: 'kept' }, { db: tx }); });
    await core.store.transaction(async (tx) => {
      await core.jobs.enqueue('tx', { v: 'dropped' }, { db: tx });
      throw new Error('rollback');
    }).catch(() => {});
    core.jobs.start({ pollMs: 20 });
    await core.jobs.idle();
    expect(seen).toEqual(['kept']);
  });

  it('resumes after a restart: queued jobs run, and a job claimed by an instance that died runs once its lease expires', async () => {
    const first = await open(engine);
    await first.core.jobs.enqueue('resume', { v: 'queued' });
    await first.core.jobs.enqueue('resume', { v: 'claimed' });
    // The "dead" instance claims one job with a short lease and never finishes it.
    const claimed = await first.core.jobs.jobs.claim(['resume'], 1, 800);
    expect(claimed).toHaveLength(1);
    await first.core.close();
    opened.splice(opened.findIndex((o) => o.core === first.core), 1);

    const second = await open(engine, first.db, first.dir);
    const seen: { v: string; at: number; attempt: number }[] = [];
    second.core.jobs.register<{ v: string }>('resume', { run: async (job) => { seen.push({ v: job.payload.v, at: Date.now(), attempt: job.attempt }); } });
    const started = Date.now();
    second.core.jobs.start({ pollMs: 50 });
    await eventually(() => expect(seen.map((s) => s.v).sort()).toEqual(['claimed', 'queued']), 10_000);
    const resumed = seen.find((s) => s.v === (claimed[0]!.payload as { v: string }).v)!;
    // Not before the dead instance's lease ran out, and counted as its second attempt.
    expect(resumed.at - claimed[0]!.runAt).toBeGreaterThanOrEqual(-50);
    expect(resumed.attempt).toBe(2);
    expect(started).toBeLessThan(claimed[0]!.runAt);
    rmSync(first.dir, { recursive: true, force: true });
  });

  it('stops without losing a running job: it is due again for the next instance', async () => {
    const first = await open(engine);
    let release!: () => void;
    const blocked = new Promise<void>((r) => { release = r; });
    first.core.jobs.register('slow', { run: async (job) => { await Promise.race([blocked, new Promise((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('aborted'))))]); } });
    first.core.jobs.start({ pollMs: 20 });
    const id = await first.core.jobs.enqueue('slow', {});
    await eventually(async () => expect((await first.core.jobs.jobs.byId(id))?.status).toBe('running'));
    await first.core.jobs.stop();
    release();
    const row = await first.core.jobs.jobs.byId(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 0 });
  });
});

describe('jobs across two instances on PostgreSQL', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('runs every job exactly once', async () => {
    const a = await open('postgres');
    const b = await open('postgres', a.db);
    await a.core.store.exec('CREATE TABLE "job_runs" ("n" integer NOT NULL, "who" text NOT NULL)');
    const handler = (who: string, core: GalleyCore) => ({
      concurrency: 4,
      run: async (job: { payload: { n: number } }) => {
        await sleep(Math.random() * 10);
        await core.store.run('INSERT INTO "job_runs" ("n", "who") VALUES ($1, $2)', [job.payload.n, who]);
      },
    });
    a.core.jobs.register('cluster', handler('a', a.core));
    b.core.jobs.register('cluster', handler('b', b.core));
    a.core.jobs.start({ pollMs: 10 });
    b.core.jobs.start({ pollMs: 10 });
    const total = 200;
    for (let n = 0; n < total; n += 20) await Promise.all(Array.from({ length: 20 }, (_, i) => a.core.jobs.enqueue('cluster', { n: n + i })));
    await eventually(async () => expect(Number((await a.core.store.get('SELECT count(*) AS "c" FROM "job_runs"'))?.c)).toBeGreaterThanOrEqual(total), 20_000);
    await a.core.jobs.idle();
    await b.core.jobs.idle();
    const rows = await a.core.store.all('SELECT "n", count(*) AS "c" FROM "job_runs" GROUP BY "n"');
    expect(rows).toHaveLength(total);
    expect(rows.every((r) => Number(r.c) === 1)).toBe(true);
    const who = await a.core.store.all('SELECT "who", count(*) AS "c" FROM "job_runs" GROUP BY "who" ORDER BY "who"');
    // Both instances took part.
    expect(who.map((w) => w.who)).toEqual(['a', 'b']);
    const done = await a.core.store.get(`SELECT count(*) AS "c" FROM "_jobs" WHERE "kind" = 'cluster' AND "status" = 'done'`);
    expect(Number(done?.c)).toBe(total);
  }, 30_000);
});
