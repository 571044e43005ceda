/**
 * GET /api/metrics/overview (docs/observability.md), on both engines: superusers only;
 * requests per minute, error rates and p95 latency move with the requests made (its own
 * polling and realtime streams left out); realtime clients come and go; with
 * GALLEY_METRICS=off it answers `enabled: false` and null figures. Also the five-minute
 * window itself on a fake clock (slots expire, the p95 interpolation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { expectErrorBody } from './support/errors.js';
import { eventually, openSse } from './support/realtime.js';
import { RequestWindow } from '../src/metrics/request-window.js';

interface Overview {
  enabled: boolean;
  requestsPerMinute: number | null;
  errorRate: number | null;
  serverErrorRate: number | null;
  p95Ms: number | null;
  fiveMinutes: { requests: number; requestsPerMinute: number; errorRate: number | null; serverErrorRate: number | null; p95Ms: number | null } | null;
  realtimeClients: number | null;
  activeRequests: number | null;
  uptimeSeconds: number;
  at: string;
}

const overview = (pb: PocketBase) => pb.send<Overview>('/api/metrics/overview', {});
/** Failed (4xx/5xx) and 5xx requests of the five-minute window, as counts. */
const failures = (o: Overview) => ({
  failed: Math.round((o.fiveMinutes!.errorRate ?? 0) * o.fiveMinutes!.requests),
  server: Math.round((o.fiveMinutes!.serverErrorRate ?? 0) * o.fiveMinutes!.requests),
});

describe.each(ENGINES)('metrics overview on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp(engine, (app) => {
      app.route('GET', '/api/test/slow', async () => { await new Promise((r) => setTimeout(r, 320)); return { ok: true }; });
      app.route('GET', '/api/test/broken', (e) => e.json(503, { status: 503, message: 'Unavailable on purpose.', data: {} }));
    });
    await t.admin.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'text', type: 'text' }] });
    await t.admin.collection('users').create({ email: 'u@example.com', password: 'user-password', passwordConfirm: 'user-password' });
  });
  afterAll(async () => { await t?.close(); });

  it('is for superusers only', async () => {
    await expectErrorBody(await fetch(`${t.url}/api/metrics/overview`), 401);
    const user = t.client();
    await user.collection('users').authWithPassword('u@example.com', 'user-password');
    await expect(overview(user)).rejects.toMatchObject({ status: 403 });
    const o = await overview(t.admin);
    expect(o.enabled).toBe(true);
    expect(o.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(o.at))).toBe(false);
  });

  it('counts the requests made, their failures and their latency; its own polling is left out', async () => {
    const before = await overview(t.admin);
    for (let i = 0; i < 5; i++) await overview(t.admin);
    const polled = await overview(t.admin);
    expect(polled.fiveMinutes!.requests).toBe(before.fiveMinutes!.requests);

    const guest = t.client();
    const note = await t.admin.collection('notes').create({ text: 'hello' });
    for (let i = 0; i < 20; i++) await guest.collection('notes').getOne(note.id);
    for (let i = 0; i < 5; i++) await expect(guest.collection('notes').getOne('missing0000000')).rejects.toMatchObject({ status: 404 });
    for (let i = 0; i < 2; i++) expect((await fetch(`${t.url}/api/test/broken`)).status).toBe(503);
    const fast = await overview(t.admin);
    const made = 1 + 20 + 5 + 2;
    expect(fast.fiveMinutes!.requests - before.fiveMinutes!.requests).toBe(made);
    expect(fast.requestsPerMinute).toBeGreaterThanOrEqual(made);
    expect(failures(fast).failed - failures(before).failed).toBe(7);
    expect(failures(fast).server - failures(before).server).toBe(2);
    expect(fast.errorRate).toBeGreaterThan(0);
    expect(fast.serverErrorRate).toBeGreaterThan(0);
    expect(fast.p95Ms).toBeGreaterThan(0);
    expect(fast.p95Ms).toBeLessThan(300);

    // More than 5% of the minute's requests take over 300 ms: the p95 follows them.
    const slow = Math.ceil((fast.requestsPerMinute! + 1) / 10);
    await Promise.all(Array.from({ length: slow }, () => fetch(`${t.url}/api/test/slow`)));
    const after = await overview(t.admin);
    expect(after.fiveMinutes!.requests - fast.fiveMinutes!.requests).toBe(slow);
    expect(after.p95Ms).toBeGreaterThanOrEqual(300);
    expect(after.p95Ms).toBeLessThanOrEqual(10_000);
    expect(after.errorRate).toBeLessThan(fast.errorRate!);
  });

  it('counts realtime clients while they are connected, not their streams as requests', async () => {
    const before = await overview(t.admin);
    expect(before.realtimeClients).toBe(0);
    const sse = await openSse(t.url);
    try {
      expect((await overview(t.admin)).realtimeClients).toBe(1);
    } finally {
      sse.close();
    }
    await eventually(async () => expect((await overview(t.admin)).realtimeClients).toBe(0));
    expect((await overview(t.admin)).fiveMinutes!.requests).toBe(before.fiveMinutes!.requests);
  });

  it('answers enabled: false and null figures with GALLEY_METRICS=off', async () => {
    process.env.GALLEY_METRICS = 'off';
    const off = await startApp(engine).finally(() => { delete process.env.GALLEY_METRICS; });
    try {
      await off.admin.collection('_superusers').getFullList();
      await expectErrorBody(await fetch(`${off.url}/api/metrics/overview`), 401);
      expect(await overview(off.admin)).toMatchObject({
        enabled: false, requestsPerMinute: null, errorRate: null, serverErrorRate: null, p95Ms: null, fiveMinutes: null, realtimeClients: null, activeRequests: null,
      });
    } finally {
      await off.close();
    }
  });
});

describe('the overview window', () => {
  it('keeps one minute and five minutes of requests and forgets older ones', () => {
    let now = 1_000_000_000_000;
    const w = new RequestWindow(() => now);
    expect(w.figures(60)).toEqual({ requests: 0, errorRate: null, serverErrorRate: null, p95Ms: null });
    for (let i = 0; i < 90; i++) w.record(4, 200);
    for (let i = 0; i < 10; i++) w.record(4, i < 4 ? 500 : 404);
    now += 120_000;
    w.record(4, 200);
    expect(w.figures(60).requests).toBe(1);
    expect(w.figures(300)).toMatchObject({ requests: 101, errorRate: 10 / 101, serverErrorRate: 4 / 101 });
    now += 200_000;
    expect(w.figures(300).requests).toBe(1);
    // A slot reused five minutes later starts from zero.
    now += 100_000;
    w.record(4, 200);
    expect(w.figures(300).requests).toBe(1);
  });

  it('interpolates the p95 inside its latency bucket', () => {
    const w = new RequestWindow(() => 5_000);
    for (let i = 0; i < 90; i++) w.record(2, 200);
    for (let i = 0; i < 10; i++) w.record(400, 200); // bucket (300, 500]
    const p95 = w.figures(60).p95Ms!;
    expect(p95).toBeGreaterThan(300);
    expect(p95).toBeLessThanOrEqual(500);
    const only = new RequestWindow(() => 5_000);
    only.record(20_000, 200);
    expect(only.figures(60).p95Ms).toBe(10_000);
  });
});
