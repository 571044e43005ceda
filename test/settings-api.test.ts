/** The settings API (spec 8.3): superusers only, defaults, partial updates, the write-only SMTP password, field errors, shared storage. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { failure, userToken } from './support/sdk.js';
import { GalleyCore } from '../src/core/galley-core.js';

const SECRET = 'smtp-Pa55word-never-shown';

describe.each(ENGINES)('settings API on %s', (engine) => {
  let g: TestGalley;

  const patch = (body: unknown, token = g.admin.authStore.token) =>
    g.fetch('/api/settings', { method: 'PATCH', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    g = await startGalley(engine);
  });
  afterAll(() => g.close());

  it('is for superusers only: 401 without a token, 403 for other records', async () => {
    const guest = g.client();
    expect((await failure(guest.settings.getAll())).status).toBe(401);
    expect((await failure(guest.settings.update({ meta: { appName: 'X' } }))).status).toBe(401);
    const token = await userToken(g, 'settings-user@example.com');
    await expectErrorBody(await g.fetch('/api/settings', { token }), 403);
    await expectErrorBody(await patch({ meta: { appName: 'X' } }, token), 403);
    expect((await g.admin.settings.getAll()).meta.appName).toBe('Galley'); // nothing changed
  });

  it('starts with the defaults', async () => {
    const s = await g.admin.settings.getAll();
    expect(s.meta).toMatchObject({ appName: 'Galley', appURL: 'http://127.0.0.1:8090', senderName: 'Support', senderAddress: 'support@example.com' });
    expect(s.smtp).toMatchObject({ enabled: false, port: 587, username: '', authMethod: '', tls: false });
    expect(s.smtp).not.toHaveProperty('password');
    expect(s.batch).toEqual({ enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 });
    expect(s.logs).toEqual({ maxDays: 5, minLevel: 0, logIP: true, logAuthId: false, maxDataSize: 0 });
  });

  it('round-trips the batch and logs sections and validates them', async () => {
    const updated = await g.admin.settings.update({ batch: { enabled: true, maxRequests: 10 }, logs: { maxDays: 7, logAuthId: true } });
    expect(updated.batch).toEqual({ enabled: true, maxRequests: 10, timeout: 3, maxBodySize: 0 });
    expect(updated.logs).toEqual({ maxDays: 7, minLevel: 0, logIP: true, logAuthId: true, maxDataSize: 0 });
    const body = await expectErrorBody(await patch({ batch: { maxRequests: 0, timeout: 1.5, maxBodySize: -1 }, logs: { maxDays: -1, logIP: 'yes' } }), 400);
    expect(Object.keys(body.data.batch).sort()).toEqual(['maxBodySize', 'maxRequests', 'timeout']);
    expect(Object.keys(body.data.logs).sort()).toEqual(['logIP', 'maxDays']);
    expect((await g.admin.settings.getAll()).batch.maxRequests).toBe(10);
    await g.admin.settings.update({ batch: { enabled: false, maxRequests: 50 }, logs: { maxDays: 5, logAuthId: false } });
  });

  it('applies a partial update, keeps the rest, and never shows the SMTP password', async () => {
    const updated = await g.admin.settings.update({
      meta: { appName: 'Acme' },
      smtp: { enabled: true, host: 'mail.example.com', port: 2525, username: 'postmaster', password: SECRET },
    });
    expect(updated.meta).toMatchObject({ appName: 'Acme', senderName: 'Support' });
    expect(updated.smtp).toMatchObject({ enabled: true, host: 'mail.example.com', port: 2525, username: 'postmaster' });
    expect(JSON.stringify(updated)).not.toContain(SECRET);
    const read = await (await g.fetch('/api/settings', { token: g.admin.authStore.token })).text();
    expect(read).not.toContain(SECRET);
    expect(JSON.parse(read).smtp.host).toBe('mail.example.com');

    // A PATCH without the password keeps it (stored, never shown).
    await g.admin.settings.update({ smtp: { port: 2526 } });
    expect((await g.core.settings.get()).smtp).toMatchObject({ password: SECRET, port: 2526, host: 'mail.example.com' });
    const raw = await g.core.store.get(`SELECT "value" FROM "_params" WHERE "id" = ${g.core.store.dialect.placeholder(1)}`, ['settings']);
    expect(JSON.parse(String(raw!.value)).meta.appName).toBe('Acme');
  });

  it('reports invalid values as field errors and changes nothing', async () => {
    const before = await g.admin.settings.getAll();
    const res = await patch({
      meta: { appName: '', appURL: 'not a url', senderAddress: 'nope' },
      smtp: { enabled: true, host: 'bad host!', port: 70000, authMethod: 'CRAM', tls: 'yes' },
    });
    const body = await expectErrorBody(res, 400);
    expect(body.data.meta).toMatchObject({
      appName: { code: 'validation_required' }, appURL: { code: 'validation_is_url' }, senderAddress: { code: 'validation_is_email' },
    });
    expect(body.data.smtp).toMatchObject({
      host: { code: 'validation_is_host' }, port: { code: 'validation_invalid_value' },
      authMethod: { code: 'validation_in_invalid' }, tls: { code: 'validation_invalid_value' },
    });
    expect((await expectErrorBody(await patch({ smtp: { host: '' } }), 400)).data).toEqual({
      smtp: { host: { code: 'validation_required', message: 'Cannot be blank.' } },
    });
    expect((await expectErrorBody(await patch({ smtp: 'on' }), 400)).data.smtp.code).toBe('validation_invalid_value');
    await expectErrorBody(await g.fetch('/api/settings', { method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: '[1]' }), 400);
    expect(await g.admin.settings.getAll()).toEqual(before);
  });

  it('is shared by every instance on the same database', async () => {
    await g.admin.settings.update({ meta: { senderName: 'Shared Sender' } });
    const other = await GalleyCore.open({ dir: g.dir, db: g.dbUrl });
    try {
      expect((await other.settings.get()).meta.senderName).toBe('Shared Sender');
    } finally {
      await other.close();
    }
  });
});
