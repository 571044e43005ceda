/**
 * Webhooks against a real HTTP receiver, on both engines: signed deliveries of creates,
 * updates and deletes (verified with docs/examples/webhooks/verify-webhook.ts), nothing
 * for rolled-back writes, retries after the receiver fails (500, dropped connection)
 * with every attempt visible through the API, failure after the last retry and a
 * manual retry, disabled webhooks, secret rotation, no secrets in payloads or lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type GalleyApp } from '../src/index.js';
import { ENGINES } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { failure } from './support/sdk.js';
import { startReceiver, type Receiver } from './support/webhook-receiver.js';
import { verifyWebhook } from '../docs/examples/webhooks/verify-webhook.js';

describe.each(ENGINES)('webhook deliveries on %s', (engine) => {
  let t: TestApp;
  let receiver: Receiver;
  let hook: { id: string; secret: string };

  const register = (app: GalleyApp) => {
    // Fails after the statement: the write (and its outbox row) roll back.
    app.onRecordCreate('posts', async (e) => {
      await e.next();
      if (e.record.title === 'fail after insert') throw new ApiError(400, 'Rejected after the insert.');
    });
  };

  const send = async (path: string, method = 'GET', body?: unknown) => t.admin.send(path, { method, ...(body ? { body } : {}) });
  const deliveries = async (id = hook.id) => (await send(`/api/webhooks/${id}/deliveries`)).items as Record<string, any>[];
  const titled = (title: string) => (r: { json: { data: { record: Record<string, unknown> } } }) => r.json.data.record.title === title;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startApp(engine, register);
    await t.app.core.webhooks.configure({ pollMs: 100, retryDelaysMs: [150, 150], timeoutMs: 2000 });
    await t.admin.settings.update({ webhooks: { allowedPrivateTargets: ['127.0.0.1'] } });
    await t.admin.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'title', type: 'text', required: true }, { name: 'secretNote', type: 'text', hidden: true }],
    });
    hook = await send('/api/webhooks', 'POST', { collection: 'posts', events: ['create', 'update', 'delete'], url: receiver.url });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('declares a webhook: the secret once, never in list or view responses', async () => {
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const list = await send('/api/webhooks');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: hook.id, collection: 'posts', events: ['create', 'update', 'delete'], url: receiver.url, enabled: true });
    expect(JSON.stringify(list)).not.toContain('whsec_');
    expect(JSON.stringify(await send(`/api/webhooks/${hook.id}`))).not.toContain('whsec_');
  });

  it('delivers create, update and delete, signed, with the record', async () => {
    const pb = t.admin; // a superuser may set the hidden field, which payloads include
    const post = await pb.collection('posts').create({ title: 'first', secretNote: 'n' });
    await pb.collection('posts').update(post.id, { title: 'first, edited' });
    await pb.collection('posts').delete(post.id);
    const got = (await receiver.waitFor((r) => r.filter((x) => x.json.data.record.id === post.id).length === 3))
      .filter((x) => x.json.data.record.id === post.id);
    // Order is best effort (docs/webhooks.md): compared by event.
    const byType = Object.fromEntries(got.map((r) => [r.json.type, r.json.data.record.title]));
    expect(byType).toEqual({ 'record.created': 'first', 'record.updated': 'first, edited', 'record.deleted': 'first, edited' });
    for (const r of got) {
      expect(verifyWebhook(hook.secret, r.headers, r.body)).toBe(true);
      expect(verifyWebhook(hook.secret, r.headers, r.body.replace('first', 'frist'))).toBe(false);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-id']).toMatch(/^msg_/);
      expect(r.json.data).toMatchObject({ collection: 'posts', record: { collectionName: 'posts', secretNote: 'n' } });
      expect(Number.isNaN(Date.parse(r.json.timestamp))).toBe(false);
    }
    const [last] = await deliveries();
    expect(last).toMatchObject({ event: 'delete', status: 'succeeded', attempts: 1, lastStatus: 204, lastError: '' });
    expect(last!.log).toHaveLength(1);
  });

  it('sends nothing for a write that rolled back', async () => {
    const pb = t.client();
    expect((await failure(pb.collection('posts').create({ title: 'fail after insert' }))).status).toBe(400);
    expect((await failure(pb.collection('posts').create({ title: '' }))).status).toBe(400); // validation
    const marker = await pb.collection('posts').create({ title: 'after the failures' });
    await receiver.waitFor((r) => r.some(titled('after the failures')));
    await new Promise((r) => setTimeout(r, 300)); // a few more polls
    expect(receiver.received.some(titled('fail after insert'))).toBe(false);
    expect((await t.admin.collection('posts').getList(1, 1, { filter: 'title = "fail after insert"' })).totalItems).toBe(0);
    const stored = await deliveries();
    expect(stored.some((d) => d.payload.data.record.title === 'fail after insert')).toBe(false);
    expect(stored.some((d) => d.payload.data.record.id === marker.id)).toBe(true);
  });

  it('retries after the receiver fails, with every attempt recorded', async () => {
    receiver.mode = 'fail';
    await t.client().collection('posts').create({ title: 'flaky' });
    await receiver.waitFor((r) => r.filter(titled('flaky')).length === 1);
    receiver.mode = 'drop';
    await receiver.waitFor((r) => r.filter(titled('flaky')).length === 2);
    receiver.mode = 'ok';
    const got = (await receiver.waitFor((r) => r.filter(titled('flaky')).length === 3)).filter(titled('flaky'));
    expect(got.map((r) => r.answered)).toEqual(['fail', 'drop', 'ok']);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1); // the same message id on each attempt
    for (const r of got) expect(verifyWebhook(hook.secret, r.headers, r.body)).toBe(true);
    await expect.poll(async () => (await deliveries())[0]!.status, { timeout: 5000 }).toBe('succeeded');
    const [d] = await deliveries();
    expect(d).toMatchObject({ attempts: 3, lastStatus: 204, lastError: '' });
    expect(d!.log.map((a: { status: number | null }) => a.status)).toEqual([500, null, 204]);
    expect(d!.log[0].error).toContain('500');
    expect(d!.log[1].error).not.toBe('');
  });

  it('fails after the last retry; a manual retry sends it again', async () => {
    receiver.mode = 'fail';
    await t.client().collection('posts').create({ title: 'doomed' });
    await receiver.waitFor((r) => r.filter(titled('doomed')).length === 3);
    await expect.poll(async () => (await deliveries())[0]!.status, { timeout: 5000 }).toBe('failed');
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received.filter(titled('doomed'))).toHaveLength(3); // no fourth attempt
    receiver.mode = 'ok';
    const [d] = await deliveries();
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500 });
    await send(`/api/webhooks/${hook.id}/deliveries/${d!.id}/retry`, 'POST');
    await receiver.waitFor((r) => r.filter(titled('doomed')).length === 4);
    await expect.poll(async () => (await deliveries())[0]!.status, { timeout: 5000 }).toBe('succeeded');
    expect((await failure(send(`/api/webhooks/${hook.id}/deliveries/nope/retry`, 'POST'))).status).toBe(404);
  });

  it('sends nothing while disabled, only the declared events, and signs with a rotated secret', async () => {
    await send(`/api/webhooks/${hook.id}`, 'PATCH', { enabled: false });
    await t.client().collection('posts').create({ title: 'while disabled' });
    const updatesOnly = await send(`/api/webhooks/${hook.id}`, 'PATCH', { enabled: true, events: ['update'] });
    expect(updatesOnly).toMatchObject({ enabled: true, events: ['update'] });
    const post = await t.client().collection('posts').create({ title: 'created, not sent' });
    const { secret } = await send(`/api/webhooks/${hook.id}/secret`, 'POST');
    expect(secret).not.toBe(hook.secret);
    await t.client().collection('posts').update(post.id, { title: 'updated, sent' });
    const [r] = (await receiver.waitFor((x) => x.some(titled('updated, sent')))).filter(titled('updated, sent'));
    expect(verifyWebhook(secret, r!.headers, r!.body)).toBe(true);
    expect(verifyWebhook(hook.secret, r!.headers, r!.body)).toBe(false);
    expect(receiver.received.some(titled('while disabled')) || receiver.received.some(titled('created, not sent'))).toBe(false);
  });

  it('never puts password hashes or token keys in payloads', async () => {
    const users = await send('/api/webhooks', 'POST', { collection: 'users', events: ['create'], url: receiver.url });
    const user = await t.admin.collection('users').create({ email: 'hook@example.com', password: 'pass-word-123', passwordConfirm: 'pass-word-123' });
    const [r] = (await receiver.waitFor((x) => x.some((y) => y.json.data.record.id === user.id))).filter((y) => y.json.data.record.id === user.id);
    expect(verifyWebhook(users.secret, r!.headers, r!.body)).toBe(true);
    expect(r!.json.data.record).toMatchObject({ email: 'hook@example.com', collectionName: 'users' });
    expect(Object.keys(r!.json.data.record)).not.toContain('password');
    expect(Object.keys(r!.json.data.record)).not.toContain('tokenKey');
    await send(`/api/webhooks/${users.id}`, 'DELETE');
    expect((await failure(send(`/api/webhooks/${users.id}`))).status).toBe(404);
    expect((await failure(send(`/api/webhooks/${users.id}/deliveries`))).status).toBe(404);
  });
});
