/**
 * Webhook targets: the SSRF guard on its own (loopback, private, link-local,
 * unique-local, unspecified, IPv4-mapped IPv6; the allow-list), and through the API on
 * both engines: refused by default with a 400 field error, allowed by the
 * `webhooks.allowedPrivateTargets` setting, input validation, 401/403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipRanges } from '../src/core/net/ip-ranges.js';
import { refusal } from '../src/core/net/target-guard.js';
import { postJson } from '../src/webhooks/http-sender.js';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { userToken } from './support/sdk.js';
import { startReceiver } from './support/webhook-receiver.js';

describe('the target guard', () => {
  const none = ipRanges([]);
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a00:1',
  ])('refuses %s', (ip) => {
    expect(refusal(ip, none)).not.toBeNull();
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (ip) => {
    expect(refusal(ip, none)).toBeNull();
  });

  it('allows listed private addresses and ranges only', () => {
    const allowed = ipRanges(['127.0.0.1', '10.0.0.0/8']);
    expect(refusal('127.0.0.1', allowed)).toBeNull();
    expect(refusal('::ffff:127.0.0.1', allowed)).toBeNull();
    expect(refusal('10.9.9.9', allowed)).toBeNull();
    expect(refusal('127.0.0.2', allowed)).not.toBeNull();
    expect(refusal('192.168.0.1', allowed)).not.toBeNull();
  });

  it('refuses a private target again at delivery time (literal and resolved names)', async () => {
    const options = { timeoutMs: 1000, allowedPrivateTargets: [] };
    await expect(postJson('http://127.0.0.1:9/', {}, '{}', options)).rejects.toThrow(/private, loopback/);
    await expect(postJson('http://localhost:9/', {}, '{}', options)).rejects.toThrow(/private, loopback/);
  });

  it('connects to a resolved name whose addresses are all allowed', async () => {
    const receiver = await startReceiver();
    try {
      const url = receiver.url.replace('127.0.0.1', 'localhost');
      const status = await postJson(url, { 'content-type': 'application/json' }, '{"type":"ping"}', { timeoutMs: 2000, allowedPrivateTargets: ['127.0.0.1', '::1'] });
      expect(status).toBe(204);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});

describe.each(ENGINES)('webhook declarations on %s', (engine) => {
  let g: TestGalley;
  const create = (body: unknown, token?: string) => g.fetch('/api/webhooks', {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, token: token ?? g.admin.authStore.token,
  });

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] });
  });
  afterAll(() => g?.close());

  it.each([
    'http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook',
    'http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data', 'http://0.0.0.0/', 'http://2130706433/',
  ])('refuses %s by default', async (url) => {
    const body = await expectErrorBody(await create({ collection: 'posts', events: ['create'], url }), 400);
    expect(body.data.url.code).toBe('validation_target_refused');
  });

  it('validates the input', async () => {
    const body = await expectErrorBody(await create({ collection: 'nope', events: ['created'], url: 'ftp://example.com/x', enabled: 'yes' }), 400);
    expect(Object.keys(body.data).sort()).toEqual(['collection', 'enabled', 'events', 'url']);
    const empty = await expectErrorBody(await create({}), 400);
    expect(Object.keys(empty.data).sort()).toEqual(['collection', 'events', 'url']);
    expect((await expectErrorBody(await create({ collection: 'posts', events: [], url: 'not a url' }), 400)).data.url.code).toBe('validation_invalid_value');
  });

  it('allows private targets the setting lists', async () => {
    await g.admin.settings.update({ webhooks: { allowedPrivateTargets: ['127.0.0.1'] } });
    expect((await g.admin.settings.getAll()).webhooks).toEqual({ allowedPrivateTargets: ['127.0.0.1'] });
    const res = await create({ collection: 'posts', events: ['create', 'create'], url: 'http://127.0.0.1:9/hook' });
    expect(res.status).toBe(200);
    const created = await res.json();
    expect(created).toMatchObject({ collection: 'posts', events: ['create'], enabled: true });
    expect((await create({ collection: 'posts', events: ['create'], url: 'http://10.0.0.1/' })).status).toBe(400);
    // A PATCH to a refused target is refused too.
    const patch = await g.fetch(`/api/webhooks/${created.id}`, {
      method: 'PATCH', body: JSON.stringify({ url: 'http://192.168.0.1/' }), headers: { 'content-type': 'application/json' }, token: g.admin.authStore.token,
    });
    expect((await expectErrorBody(patch, 400)).data.url.code).toBe('validation_target_refused');
    const invalid = await g.fetch('/api/settings', {
      method: 'PATCH', body: JSON.stringify({ webhooks: { allowedPrivateTargets: ['nope'] } }), headers: { 'content-type': 'application/json' }, token: g.admin.authStore.token,
    });
    expect((await expectErrorBody(invalid, 400)).data.webhooks.allowedPrivateTargets['0'].code).toBe('validation_is_ip');
  });

  it('is for superusers only', async () => {
    const user = await userToken(g);
    for (const [path, method] of [['/api/webhooks', 'GET'], ['/api/webhooks', 'POST'], ['/api/webhooks/x', 'GET'], ['/api/webhooks/x', 'PATCH'],
      ['/api/webhooks/x', 'DELETE'], ['/api/webhooks/x/deliveries', 'GET'], ['/api/webhooks/x/secret', 'POST']] as const) {
      await expectErrorBody(await g.fetch(path, { method }), 401);
      await expectErrorBody(await g.fetch(path, { method, token: user }), 403);
    }
    await expectErrorBody(await g.fetch('/api/webhooks/x', { token: g.admin.authStore.token }), 404);
  });
});
