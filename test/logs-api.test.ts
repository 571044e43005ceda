/**
 * Request logs and the logs API (PocketBase's wire format) on both engines, through
 * the SDK: what a request log holds, what is not logged, filter/sort/paging/fields,
 * one log, hourly stats, truncate, superusers only, application lines through
 * `app.logger` and `logs.minLevel`, `maxDays = 0`, `maxDataSize`, the request id, the
 * cleanup job, and (PostgreSQL) two instances sharing one log table.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';

describe.each(ENGINES)('logs API on %s', (engine) => {
  let g: TestGalley;
  let userToken: string;

  const flush = () => g.core.logs.flush();
  // Through the service, not the API: the settings requests would be logged too.
  const setLogs = (logs: Record<string, unknown>) => g.core.settings.update({ logs });

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text', required: true }] });
    await g.admin.collection('users').create({ email: 'u@example.com', password: 'user-password', passwordConfirm: 'user-password' });
    userToken = (await g.client().collection('users').authWithPassword('u@example.com', 'user-password')).token;
  });
  afterAll(() => g.close());
  beforeEach(async () => {
    await setLogs({ maxDays: 5, minLevel: 0, logIP: true, logAuthId: false, maxDataSize: 0 });
    await flush();
    await g.admin.logs.truncate();
  });

  it('logs a request as PocketBase does: message, level 0, and the request data', async () => {
    await g.client().collection('posts').getList(1, 5, { headers: { 'user-agent': 'galley-test/1', referer: 'http://example.com/page' } });
    await flush();
    const list = await g.admin.logs.getList(1, 10);
    expect(list.items).toHaveLength(1);
    const item = list.items[0]! as unknown as Record<string, any>;
    expect(Object.keys(item)).toEqual(['id', 'created', 'data', 'message', 'level']);
    expect(item.id).toMatch(/^[a-z0-9]{15}$/);
    expect(item.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(item.level).toBe(0);
    expect(item.message).toBe('GET /api/collections/posts/records?page=1&perPage=5');
    const { execTime, ...data } = item.data;
    expect(typeof execTime).toBe('number');
    expect(execTime).toBeGreaterThan(0);
    expect(data).toEqual({
      type: 'request', method: 'GET', url: '/api/collections/posts/records?page=1&perPage=5', status: 200, auth: '',
      referer: 'http://example.com/page', userAgent: 'galley-test/1', userIP: '127.0.0.1', remoteIP: '127.0.0.1',
    });
  });

  it('logs a failed request at level 8 with the error and its details', async () => {
    await failure(g.client().collection('posts').create({ title: '' }));
    await flush();
    const [item] = (await g.admin.logs.getList(1, 10)).items as unknown as Record<string, any>[];
    expect(item!.level).toBe(8);
    expect(item!.message).toBe('POST /api/collections/posts/records');
    expect(item!.data.status).toBe(400);
    expect(item!.data.error).toBe('Failed to create record.');
    expect(item!.data.details).toEqual({ title: { code: 'validation_required', message: 'Cannot be blank.' } });
  });

  it('records the auth collection, and the auth id and IPs by the settings', async () => {
    await g.fetch('/api/collections/posts/records', { token: userToken });
    await flush();
    const [byDefault] = (await g.admin.logs.getList(1, 10)).items as unknown as Record<string, any>[];
    expect(byDefault!.data.auth).toBe('users');
    expect(byDefault!.data).not.toHaveProperty('authId'); // logAuthId is off by default
    await g.admin.logs.truncate();
    await setLogs({ logAuthId: true, logIP: false });
    await g.fetch('/api/collections/posts/records', { token: userToken });
    await flush();
    const [item] = (await g.admin.logs.getList(1, 10)).items as unknown as Record<string, any>[];
    const users = await g.admin.collection('users').getFirstListItem('email = "u@example.com"');
    expect(item!.data.auth).toBe('users');
    expect(item!.data.authId).toBe(users.id);
    expect(item!.data).not.toHaveProperty('userIP');
    expect(item!.data).not.toHaveProperty('remoteIP');
  });

  it('does not log successful calls to the logs API, the realtime connect or the OAuth2 redirect; logs their failures', async () => {
    await g.admin.logs.getList(1, 5);
    await g.admin.logs.getStats();
    await g.fetch('/api/oauth2-redirect?code=x&state=y', { redirect: 'manual' });
    const sse = new AbortController();
    const res = await g.fetch('/api/realtime', { signal: sse.signal });
    expect(res.status).toBe(200);
    sse.abort();
    await g.fetch('/api/logs'); // 401: logged
    await flush();
    const items = (await g.admin.logs.getList(1, 50)).items;
    const messages = items.map((i) => i.message);
    expect(messages.filter((m) => !m.startsWith('GET /api/oauth2-redirect'))).toEqual(['GET /api/logs']);
    expect(items.find((i) => i.message === 'GET /api/logs')!.level).toBe(8);
  });

  it('filters on data paths and with ?~ on data, sorts by @rowid and @random, pages, skips the total, projects fields', async () => {
    for (let i = 0; i < 5; i++) await g.fetch(`/api/collections/posts/records?n=${i}`);
    await g.fetch('/api/collections/nope/records');
    await flush();
    const notFound = await g.admin.logs.getList(1, 10, { filter: 'data.status = 404 && level = 8' });
    expect(notFound.items.map((i) => i.message)).toEqual(['GET /api/collections/nope/records']);
    const like = await g.admin.logs.getList(1, 10, { filter: 'data ?~ "n=3"' });
    expect(like.items.map((i) => i.message)).toEqual(['GET /api/collections/posts/records?n=3']);
    const byMessage = await g.admin.logs.getList(1, 10, { filter: 'message ~ "posts" && data.url != ""', sort: '-@rowid' });
    expect(byMessage.items.map((i) => i.message)).toEqual([4, 3, 2, 1, 0].map((n) => `GET /api/collections/posts/records?n=${n}`));
    expect(byMessage.totalItems).toBe(5);
    const page = await g.admin.logs.getList(2, 2, { sort: '@rowid', skipTotal: true });
    expect(page.totalItems).toBe(-1);
    expect(page.totalPages).toBe(-1);
    expect(page.items.map((i) => i.message)).toEqual([2, 3].map((n) => `GET /api/collections/posts/records?n=${n}`));
    expect((await g.admin.logs.getList(1, 10, { sort: '@random' })).items).toHaveLength(6);
    const projected = await g.admin.logs.getList(1, 1, { fields: 'id,message' });
    expect(Object.keys(projected.items[0]!)).toEqual(['id', 'message']);
    const bad = await failure(g.admin.logs.getList(1, 10, { filter: 'nope = 1' }));
    expect(bad.status).toBe(400);
    expect(await failure(g.admin.logs.getList(1, 10, { sort: 'nope' }))).toMatchObject({ status: 400 });
  });

  it('returns one log by id, or 404', async () => {
    await g.fetch('/api/health');
    await flush();
    const [item] = (await g.admin.logs.getList(1, 1)).items;
    expect(await g.admin.logs.getOne(item!.id)).toEqual(item);
    await expectErrorBody(await g.fetch('/api/logs/missing0000000', { token: g.admin.authStore.token }), 404);
  });

  it('counts logs per hour for a filter', async () => {
    await g.fetch('/api/health');
    await g.fetch('/api/health');
    await g.fetch('/api/collections/nope/records');
    await flush();
    const hour = `${new Date().toISOString().slice(0, 13).replace('T', ' ')}:00:00.000Z`;
    expect(await g.admin.logs.getStats()).toEqual([{ date: hour, total: 3 }]);
    expect(await g.admin.logs.getStats({ filter: 'level = 8' })).toEqual([{ date: hour, total: 1 }]);
    expect(await g.admin.logs.getStats({ filter: 'level > 100' })).toEqual([]);
    const bad = await expectErrorBody(await g.fetch(`/api/logs/stats?filter=${encodeURIComponent('(((')}`, { token: g.admin.authStore.token }), 400);
    expect(bad.message).toBe('Invalid filter format.');
  });

  it('is for superusers only', async () => {
    await expectErrorBody(await g.fetch('/api/logs'), 401);
    await expectErrorBody(await g.fetch('/api/logs', { token: userToken }), 403);
    await expectErrorBody(await g.fetch('/api/logs/stats', { token: userToken }), 403);
    await expectErrorBody(await g.fetch('/api/logs', { method: 'DELETE', token: userToken }), 403);
  });

  it('truncates', async () => {
    await g.fetch('/api/health');
    await flush();
    expect((await g.admin.logs.getList(1, 5)).items).toHaveLength(1);
    expect(await g.admin.logs.truncate()).toBe(true);
    expect((await g.admin.logs.getList(1, 5)).totalItems).toBe(0);
  });

  it('stores application lines from app.logger at or above logs.minLevel, with their attributes as data', async () => {
    const app = g.core.app();
    app.logger.info('job done', { items: 3, nested: { ok: true } });
    app.logger.debug('too quiet');
    await flush();
    let items = (await g.admin.logs.getList(1, 10, { filter: 'data.type != "request"' })).items as unknown as Record<string, any>[];
    expect(items.map((i) => [i.message, i.level, i.data])).toEqual([['job done', 0, { items: 3, nested: { ok: true } }]]);
    await setLogs({ minLevel: -4 });
    app.logger.debug('now kept', { n: 1 });
    await setLogs({ minLevel: 5 });
    app.logger.warn('below 5');
    app.logger.error('kept', { error: new Error('boom') });
    await g.fetch('/api/health'); // a request (level 0) below minLevel 5
    await flush();
    items = (await g.admin.logs.getList(1, 10, { sort: '@rowid' })).items as unknown as Record<string, any>[];
    expect(items.map((i) => [i.message, i.level])).toEqual([['job done', 0], ['now kept', -4], ['kept', 8]]);
    expect(items[2]!.data.error.message).toBe('boom');
  });

  it('keeps nothing with maxDays = 0', async () => {
    await setLogs({ maxDays: 0 });
    await g.fetch('/api/health');
    g.core.app().logger.error('not kept');
    await flush();
    await setLogs({ maxDays: 5 });
    expect((await g.admin.logs.getList(1, 5)).totalItems).toBe(0);
  });

  it('truncates data over maxDataSize and marks it', async () => {
    await setLogs({ maxDataSize: 100 });
    g.core.app().logger.info('big', { a: 'x'.repeat(20), b: 'y'.repeat(200), c: 1 });
    await flush();
    const [item] = (await g.admin.logs.getList(1, 5)).items as unknown as Record<string, any>[];
    expect(item!.data).toEqual({ a: 'x'.repeat(20), __pb_truncated__: true });
  });

  it('keeps a safe x-request-id, replaces an unsafe one, and makes one when there is none', async () => {
    const given = await g.fetch('/api/health', { headers: { 'x-request-id': 'abc.DEF_1-2' } });
    expect(given.headers.get('x-request-id')).toBe('abc.DEF_1-2');
    const unsafe = await g.fetch('/api/health', { headers: { 'x-request-id': 'bad id<script>' } });
    const made = unsafe.headers.get('x-request-id')!;
    expect(made).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(made).not.toContain('bad');
    const tooLong = await g.fetch('/api/health', { headers: { 'x-request-id': 'a'.repeat(65) } });
    expect(tooLong.headers.get('x-request-id')).not.toBe('a'.repeat(65));
    const other = (await g.fetch('/api/health')).headers.get('x-request-id');
    expect(other).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(other).not.toBe(made);
  });

  it('prunes logs older than maxDays with the __pbLogsCleanup__ job', async () => {
    const old = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace('T', ' ');
    await g.core.logs.store.insert([
      { id: 'old000000000001', created: old(6), level: 0, message: 'six days', data: {} },
      { id: 'old000000000002', created: old(4), level: 0, message: 'four days', data: {} },
    ]);
    await g.admin.crons.run('__pbLogsCleanup__');
    await expect.poll(async () => (await g.admin.logs.getList(1, 10)).items.map((i) => i.message)).toEqual(['four days']);
  });
});

describe('logs of two PostgreSQL instances', () => {
  it('are one table: either instance lists the requests of both', async () => {
    const a = await startGalley('postgres');
    const core = await GalleyCore.open({ dir: a.dir, db: a.dbUrl });
    const http = await buildApp(core);
    await http.listen({ host: '127.0.0.1', port: 0 });
    try {
      const bUrl = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
      await fetch(`${a.url}/api/health?from=a`);
      await fetch(`${bUrl}/api/health?from=b`);
      await a.core.logs.flush();
      await core.logs.flush();
      const b = new PocketBase(bUrl);
      b.authStore.save(a.admin.authStore.token, a.admin.authStore.record);
      for (const pb of [a.admin, b]) {
        const messages = (await pb.logs.getList(1, 10, { sort: '@rowid', filter: 'message ~ "health"' })).items.map((i) => i.message);
        expect(messages).toEqual(['GET /api/health?from=a', 'GET /api/health?from=b']);
      }
    } finally {
      await http.close();
      await core.close();
      await a.close();
    }
  });
});
