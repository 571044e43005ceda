/**
 * GET /api/metrics (docs/observability.md) on both engines: who may read it, the
 * Prometheus text format, request histograms by route template, database, realtime,
 * cron, mail and webhook figures, and the process defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { eventually, openSse } from './support/realtime.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { startApp } from './support/app.js';

const TOKEN = 'metrics-scraper-token-1234567890';

/** The value of one sample line (`name{labels} value`), or undefined; labels match as a subset. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe.each(ENGINES)('metrics on %s', (engine) => {
  let g: TestGalley;
  let smtp: SmtpCapture;
  let userToken: string;

  const scrape = async () => {
    const res = await g.fetch('/api/metrics', { token: g.admin.authStore.token });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    g = await startGalley(engine, { metricsToken: TOKEN });
    smtp = await startSmtpCapture();
    await g.admin.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'text', type: 'text' }] });
    await g.admin.collection('users').create({ email: 'u@example.com', password: 'user-password', passwordConfirm: 'user-password' });
    userToken = (await g.client().collection('users').authWithPassword('u@example.com', 'user-password')).token;
  });
  afterAll(async () => {
    await g.close();
    await smtp.close();
  });

  it('is readable by superusers and the metrics token only', async () => {
    expect(await expectErrorBody(await g.fetch('/api/metrics'), 401)).toMatchObject({ status: 401 });
    await expectErrorBody(await g.fetch('/api/metrics', { token: userToken }), 403);
    await expectErrorBody(await g.fetch('/api/metrics', { headers: { authorization: 'Bearer not-the-token' } }), 403);
    const byToken = await g.fetch('/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await byToken.text()).toContain('# TYPE http_server_request_duration_seconds histogram');
  });

  it('counts requests by method, route template and status, never by raw path', async () => {
    const creates = { http_request_method: 'POST', http_route: '/api/collections/:c/records', http_response_status_code: '200' };
    const createsBefore = sample(await scrape(), 'http_server_request_duration_seconds_count', creates) ?? 0;
    const created = await g.client().collection('notes').create({ text: 'hello' });
    for (let i = 0; i < 3; i++) await g.client().collection('notes').getOne(created.id);
    await expect(g.client().collection('notes').getOne('missing0000000')).rejects.toMatchObject({ status: 404 });
    const text = await scrape();
    const route = '/api/collections/:c/records/:id';
    expect(sample(text, 'http_server_request_duration_seconds_count', { http_request_method: 'GET', http_route: route, http_response_status_code: '200' })).toBe(3);
    expect(sample(text, 'http_server_request_duration_seconds_count', { http_request_method: 'GET', http_route: route, http_response_status_code: '404' })).toBe(1);
    expect(sample(text, 'http_server_request_duration_seconds_count', creates)).toBe(createsBefore + 1);
    // Buckets are cumulative; +Inf holds every observation; the sum is in seconds.
    const ok = { http_request_method: 'GET', http_route: route, http_response_status_code: '200' };
    const buckets = ['0.005', '0.01', '0.025', '0.05', '0.075', '0.1', '0.25', '0.5', '0.75', '1', '2.5', '5', '7.5', '10', '+Inf']
      .map((le) => sample(text, 'http_server_request_duration_seconds_bucket', { ...ok, le })!);
    expect(buckets.every((n, i) => i === 0 || n >= buckets[i - 1]!)).toBe(true);
    expect(buckets.at(-1)).toBe(3);
    const sum = sample(text, 'http_server_request_duration_seconds_sum', ok)!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(3 * 10);
    expect(text).not.toContain(created.id);
    expect(text).not.toContain('missing0000000');
    // The scrape itself is in flight while it is served.
    expect(sample(text, 'http_server_active_requests')).toBeGreaterThanOrEqual(1);
  });

  it('times database statements and transactions by engine and kind', async () => {
    const text = await scrape();
    expect(sample(text, 'galley_db_query_duration_seconds_count', { engine, kind: 'read', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'galley_db_query_duration_seconds_count', { engine, kind: 'write' })).toBeGreaterThan(0);
    expect(sample(text, 'galley_db_transaction_duration_seconds_count', { engine, outcome: 'commit' })).toBeGreaterThan(0);
    const wait = engine === 'sqlite' ? 'writer_lock' : 'pool_connection';
    if (engine === 'postgres') {
      expect(sample(text, 'galley_db_wait_seconds_count', { engine, wait })).toBeGreaterThan(0);
      expect(sample(text, 'galley_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    } else {
      expect(text).not.toContain('galley_db_pool_connections{');
    }
  });

  it('counts realtime clients and the events sent to them', async () => {
    const before = sample(await scrape(), 'galley_realtime_events_total', { result: 'sent' }) ?? 0;
    const sse = await openSse(g.url);
    try {
      await g.fetch('/api/realtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: sse.clientId, subscriptions: ['notes'] }) });
      await g.client().collection('notes').create({ text: 'pushed' });
      await eventually(() => expect(sse.messages.some((m) => m.event === 'notes')).toBe(true));
      const text = await scrape();
      expect(sample(text, 'galley_realtime_clients')).toBe(1);
      // PB_CONNECT and the record event.
      expect(sample(text, 'galley_realtime_events_total', { result: 'sent' })).toBe(before + 2);
    } finally {
      sse.close();
    }
    await eventually(async () => expect(sample(await scrape(), 'galley_realtime_clients')).toBe(0));
  });

  it('counts cron runs by job (label cron: Prometheus keeps job for the scrape target) and result', async () => {
    await g.admin.crons.run('__pbOTPCleanup__');
    await eventually(async () => expect(sample(await scrape(), 'galley_cron_runs_total', { cron: '__pbOTPCleanup__', result: 'ok' })).toBe(1));
  });

  it('counts mails sent and failed', async () => {
    await expect(g.admin.settings.testEmail('users', 'x@example.com', 'verification')).rejects.toMatchObject({ status: 400 });
    await g.admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass } });
    await g.admin.settings.testEmail('users', 'x@example.com', 'verification');
    await smtp.next('x@example.com');
    const text = await scrape();
    expect(sample(text, 'galley_mails_total', { result: 'sent' })).toBe(1);
    expect(sample(text, 'galley_mails_total', { result: 'failed' })).toBe(1);
  });

  it('is not collected or served with GALLEY_METRICS=off', async () => {
    process.env.GALLEY_METRICS = 'off';
    const t = await startApp(engine).finally(() => { delete process.env.GALLEY_METRICS; });
    try {
      const res = await fetch(`${t.url}/api/metrics`, { headers: { authorization: t.admin.authStore.token } });
      await expectErrorBody(res, 404);
      expect(await t.app.core.metrics.text()).not.toContain('galley_db_query_duration_seconds_count');
    } finally {
      await t.close();
    }
  });

  it('reports the webhook outbox and the process defaults', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE galley_webhook_deliveries gauge');
    expect(sample(text, 'galley_log_queue_entries')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('nodejs_gc_duration_seconds');
  });
});
