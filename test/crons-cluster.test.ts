/**
 * Cron jobs across instances sharing one PostgreSQL database: every scheduled slot of a
 * job registered on several instances (two in this process, one separate process) runs
 * exactly once, on the instance that claimed it in `_cronRuns`; a `galley serve`
 * process lists the built-in jobs and runs one on request against the shared data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GalleyCore } from '../src/core/galley-core.js';
import { insertOtp } from '../src/core/auth/otp-store.js';
import { startGalley, type TestGalley } from './support/galley.js';
import { killStarted, startServe, type ServeProcess } from './support/cli.js';
import { eventually } from './support/realtime.js';

const WORKER = fileURLToPath(new URL('./support/cron-worker.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the worker process and waits for its instance id. */
function startWorker(dbUrl: string): Promise<{ child: ChildProcess; instanceId: string }> {
  const child = spawn(process.execPath, [WORKER, dbUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cron worker did not start; stderr: ${err}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /ready (\w+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, instanceId: m[1]! });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`cron worker exited with ${code}: ${err}`)); });
  });
}

describe('crons across instances on PostgreSQL', () => {
  let a: TestGalley;
  let b: GalleyCore;
  let dirB: string;
  let dirC: string;
  let serve: ServeProcess;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    a = await startGalley('postgres', { crons: true });
    dirB = mkdtempSync(join(tmpdir(), 'galley-cron-b-'));
    dirC = mkdtempSync(join(tmpdir(), 'galley-cron-c-'));
    b = await GalleyCore.open({ dir: dirB, db: a.dbUrl });
    await b.crons.start();
    serve = await startServe(['--http', '127.0.0.1:0', '--db', a.dbUrl, '--dir', dirC]);
    await a.core.store.exec('CREATE TABLE "cron_ticks" ("slot" bigint NOT NULL, "who" text NOT NULL)');
  }, 60_000);
  afterAll(async () => {
    if (worker?.pid !== undefined && worker.exitCode === null) process.kill(worker.pid, 'SIGKILL');
    killStarted();
    await b?.close();
    await a?.close();
    for (const dir of [dirB, dirC]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs each slot of a job registered on three instances exactly once', async () => {
    const started = await startWorker(a.dbUrl);
    worker = started.child;
    const tick = (core: GalleyCore) => async ({ scheduledAt }: { scheduledAt: Date | null }) => {
      await core.store.run('INSERT INTO "cron_ticks" ("slot", "who") VALUES ($1, $2)', [scheduledAt!.getTime(), core.crons.instanceId]);
    };
    a.core.crons.register('tick', '* * * * * *', tick(a.core));
    b.crons.register('tick', '* * * * * *', tick(b));
    await sleep(5000);
    a.core.crons.unregister('tick');
    b.crons.unregister('tick');
    process.kill(worker.pid!, 'SIGTERM');
    await new Promise((r) => worker!.once('exit', r));
    await sleep(300); // runs in flight finish

    const ticks = await a.core.store.all('SELECT "slot", "who" FROM "cron_ticks" ORDER BY "slot"');
    const perSlot = new Map<number, number>();
    for (const t of ticks) perSlot.set(Number(t.slot), (perSlot.get(Number(t.slot)) ?? 0) + 1);
    expect([...perSlot.values()].every((n) => n === 1), JSON.stringify(ticks)).toBe(true);
    expect(perSlot.size).toBeGreaterThanOrEqual(4);
    // Each run happened on the instance whose claim won, and only instances of this test ran it.
    const claims = await a.core.store.all(`SELECT "slot", "instance" FROM "_cronRuns" WHERE "job" = 'tick'`);
    const winner = new Map(claims.map((c) => [Number(c.slot), String(c.instance)]));
    for (const t of ticks) expect(winner.get(Number(t.slot))).toBe(t.who);
    const instances = new Set([a.core.crons.instanceId, b.crons.instanceId, started.instanceId]);
    for (const t of ticks) expect(instances.has(String(t.who))).toBe(true);
  }, 30_000);

  it('runs a job on the galley serve process that receives POST /api/crons/{id}', async () => {
    const token = a.admin.authStore.token;
    const list = await (await fetch(`${serve.url}/api/crons`, { headers: { Authorization: token } })).json();
    expect(list.map((j: { id: string }) => j.id)).toEqual(['__pbDBOptimize__', '__pbMFACleanup__', '__pbOTPCleanup__', '__galleyCronRunsCleanup__', '__galleyIdempotencyKeysCleanup__', '__galleyWebhookDeliveriesCleanup__', '__pbLogsCleanup__']);
    const users = a.core.collections.get('users');
    await insertOtp(a.core.store, { id: 'expiredotp', collectionId: users.id, recordId: 'r', hash: 'h', sentTo: 'x@example.com', created: Date.now() - 3600_000 });
    const res = await fetch(`${serve.url}/api/crons/__pbOTPCleanup__`, { method: 'POST', headers: { Authorization: token } });
    expect(res.status).toBe(204);
    await eventually(async () => expect(await a.core.store.get(`SELECT 1 AS "x" FROM "_otps" WHERE "id" = 'expiredotp'`)).toBeUndefined());
  });
});
