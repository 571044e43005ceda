/**
 * Cron jobs (API spec 8.5) on both engines: the built-in housekeeping jobs, the
 * superuser-only routes, scheduling with per-second expressions, failure logging,
 * no self-overlap, and refusal of bad ids and expressions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { eventually } from './support/realtime.js';
import { insertOtp, countAttempt } from '../src/core/auth/otp-store.js';
import { insertMfa } from '../src/core/auth/mfa-store.js';
import type { CronService } from '../src/cron/cron-service.js';

const BUILT_INS = [
  { id: '__pbDBOptimize__', expression: '0 0 * * *' },
  { id: '__pbMFACleanup__', expression: '0 * * * *' },
  { id: '__pbOTPCleanup__', expression: '0 * * * *' },
  { id: '__galleyCronRunsCleanup__', expression: '*/10 * * * *' },
  { id: '__galleyIdempotencyKeysCleanup__', expression: '30 * * * *' },
  { id: '__galleyWebhookDeliveriesCleanup__', expression: '15 * * * *' },
  { id: '__pbLogsCleanup__', expression: '0 */6 * * *' },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3600_000;

describe.each(ENGINES)('crons on %s', (engine) => {
  let g: TestGalley;
  let crons: CronService;
  let userToken: string;
  const logs: string[] = [];

  beforeAll(async () => {
    g = await startGalley(engine, { crons: true });
    crons = g.core.crons;
    crons.log = (message) => logs.push(message);
    await g.admin.collection('users').create({ email: 'u@example.com', password: 'user-password', passwordConfirm: 'user-password' });
    userToken = (await g.client().collection('users').authWithPassword('u@example.com', 'user-password')).token;
  });
  afterAll(() => g.close());

  it('lists user jobs first, in registration order, then the built-in ones', async () => {
    crons.register('zeta', '0 3 * * *', () => {});
    crons.register('alpha', '*/5 * * * *', () => {});
    crons.register('zeta', '0 4 * * *', () => {}); // replaces, keeps its place
    const list = await g.admin.crons.getFullList();
    expect(list).toEqual([{ id: 'zeta', expression: '0 4 * * *' }, { id: 'alpha', expression: '*/5 * * * *' }, ...BUILT_INS]);
    expect(crons.unregister('zeta') && crons.unregister('alpha')).toBe(true);
    expect(crons.list()).toEqual(BUILT_INS);
  });

  it('runs a job now on POST /api/crons/{id} with 204, in the background', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const runs: (Date | null)[] = [];
    crons.register('manual', '0 0 1 1 *', async (run) => { runs.push(run.scheduledAt); await gate; });
    const res = await g.fetch('/api/crons/manual', { method: 'POST', token: g.admin.authStore.token });
    expect(res.status).toBe(204); // answered while the job still waits
    await eventually(() => expect(runs).toEqual([null]));
    await g.admin.crons.run('manual'); // busy: not started a second time
    release();
    await sleep(50);
    expect(runs).toHaveLength(1);
    crons.unregister('manual');
  });

  it('purges expired OTP, OTP attempt and MFA rows of every auth collection, keeping live ones', async () => {
    const users = g.core.collections.get('users');
    const now = Date.now();
    const otp = { collectionId: users.id, recordId: 'r1', hash: 'h', sentTo: 'u@example.com' };
    await insertOtp(g.core.store, { ...otp, id: 'otpold', created: now - HOUR });
    await insertOtp(g.core.store, { ...otp, id: 'otpnew', created: now });
    await countAttempt(g.core.store, users.id, 'r1', now - HOUR);
    await insertMfa(g.core.store, { id: 'mfaold', collectionId: users.id, recordId: 'r1', method: 'password', created: now - HOUR });
    await insertMfa(g.core.store, { id: 'mfanew', collectionId: users.id, recordId: 'r1', method: 'password', created: now });
    const ids = async (table: string) => (await g.core.store.all(`SELECT "id" FROM "${table}" ORDER BY "id"`)).map((r) => r.id);
    const attempts = async () => Number((await g.core.store.get('SELECT COUNT(*) AS "n" FROM "_otpAttempts"'))!.n);
    expect(await attempts()).toBe(1);

    await g.admin.crons.run('__pbOTPCleanup__');
    await eventually(async () => expect(await ids('_otps')).toEqual(['otpnew']));
    expect(await attempts()).toBe(0);
    expect(await ids('_mfas')).toEqual(['mfaold', 'mfanew'].sort());

    await g.admin.crons.run('__pbMFACleanup__');
    await eventually(async () => expect(await ids('_mfas')).toEqual(['mfanew']));
  });

  it('prunes old _cronRuns rows and optimizes the database', async () => {
    const p = g.core.store.dialect.placeholder;
    await g.core.store.run(`INSERT INTO "_cronRuns" ("job", "slot", "instance", "started") VALUES (${p(1)}, ${p(2)}, 'x', 0)`, ['old', Date.now() - 2 * HOUR]);
    await g.admin.crons.run('__galleyCronRunsCleanup__');
    await eventually(async () => expect(await g.core.store.get(`SELECT 1 AS "x" FROM "_cronRuns" WHERE "job" = 'old'`)).toBeUndefined());
    const before = logs.length;
    await crons.run('__pbDBOptimize__');
    expect(logs.slice(before)).toEqual([]);
  });

  it('refuses unknown ids with 404 and anyone but superusers with 401/403', async () => {
    const body = await expectErrorBody(await g.fetch('/api/crons/nope', { method: 'POST', token: g.admin.authStore.token }), 404);
    expect(body.message).toBe('Missing or invalid cron job.');
    await expectErrorBody(await g.fetch('/api/crons'), 401);
    await expectErrorBody(await g.fetch('/api/crons/__pbDBOptimize__', { method: 'POST' }), 401);
    await expectErrorBody(await g.fetch('/api/crons', { token: userToken }), 403);
    await expectErrorBody(await g.fetch('/api/crons/__pbDBOptimize__', { method: 'POST', token: userToken }), 403);
  });

  it('runs a per-second job repeatedly, once per slot, and stops when unregistered', async () => {
    const slots: number[] = [];
    crons.register('tick', '* * * * * *', ({ scheduledAt }) => { slots.push(scheduledAt!.getTime()); });
    await eventually(() => expect(slots.length).toBeGreaterThanOrEqual(3), 5000);
    crons.unregister('tick');
    expect(new Set(slots).size).toBe(slots.length);
    for (const s of slots) expect(s % 1000).toBe(0);
    const claimed = await g.core.store.all(`SELECT "slot" FROM "_cronRuns" WHERE "job" = 'tick'`);
    expect(claimed.map((r) => Number(r.slot))).toEqual(expect.arrayContaining(slots));
    const count = slots.length;
    await sleep(1500);
    expect(slots.length).toBe(count);
  });

  it('logs a failing job without secrets and keeps scheduling it', async () => {
    let calls = 0;
    crons.register('boom', '* * * * * *', () => {
      calls++;
      throw new Error('cannot reach postgres://galley:hunter2secret@db.internal/app');
    });
    await eventually(() => expect(calls).toBeGreaterThanOrEqual(2), 5000);
    crons.unregister('boom');
    const failures = logs.filter((l) => l.includes('cron job "boom" failed'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toContain('cannot reach postgres://galley:***@db.internal/app');
    expect(logs.join('\n')).not.toContain('hunter2secret');
  });

  it('never overlaps a slow job with itself on one instance', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    crons.register('slow', '* * * * * *', async () => {
      runs++;
      maxActive = Math.max(maxActive, ++active);
      await sleep(1600);
      active--;
    });
    await eventually(() => expect(runs).toBeGreaterThanOrEqual(2), 6000);
    crons.unregister('slow');
    expect(maxActive).toBe(1);
  });

  it('refuses bad expressions and ids with a 400 error', () => {
    const bad: [string, string][] = [['x', ''], ['x', 'not a cron'], ['x', '* * *'], ['x', '61 * * * *'], ['x', '0 0 31 2 *'],
      ['x', '* * * * * * *'], ['x', '@reboot'], ['', '* * * * *'], ['a b', '* * * * *'], ['a/b', '* * * * *'], ['x'.repeat(101), '* * * * *']];
    for (const [id, expression] of bad) {
      expect(() => crons.register(id, expression, () => {}), `${id} ${expression}`).toThrow(/^Invalid cron job (id|expression): /);
      try { crons.register(id, expression, () => {}); } catch (err) { expect((err as { status: number }).status).toBe(400); }
    }
    expect(crons.list()).toEqual(BUILT_INS);
  });

  it('stop() waits for a running job, but only so long', async () => {
    let finished = false;
    crons.register('short', '0 0 1 1 *', async () => { await sleep(300); finished = true; });
    let unstick!: () => void;
    crons.register('stuck', '0 0 1 1 *', () => new Promise<void>((r) => { unstick = r; }));
    void crons.run('short');
    await crons.stop(5000);
    expect(finished).toBe(true);
    void crons.run('stuck');
    const t0 = Date.now();
    await crons.stop(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    unstick(); // so that closing the test server does not wait for it
    crons.unregister('short');
    crons.unregister('stuck');
  });
});
