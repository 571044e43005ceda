/**
 * The superuser IP allow-list (spec 5.13, setting superuserIPs): superusers from other
 * client IPs get 403, everybody else is unaffected; the client IP follows trustedProxy;
 * a locked-out operator recovers through core or `galley superuser ips --clear`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { userToken } from './support/sdk.js';
import { runCli } from './support/cli.js';

describe.each(ENGINES)('superuser IP allow-list on %s', (engine) => {
  let g: TestGalley;
  let userAuth: string;
  const asSuperuser = (headers: Record<string, string> = {}) => g.fetch('/api/settings', { token: g.admin.authStore.token, headers });

  beforeAll(async () => {
    g = await startGalley(engine);
    userAuth = await userToken(g, 'ip-user@example.com');
  });
  afterAll(() => g.close());

  it('lets superusers in from a listed IP or range', async () => {
    await g.admin.settings.update({ superuserIPs: ['10.1.2.3', '127.0.0.0/8'] });
    expect((await asSuperuser()).status).toBe(200);
  });

  it('refuses a superuser from another IP with 403, and can be reset through core', async () => {
    const res = await g.fetch('/api/settings', {
      method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ superuserIPs: ['10.0.0.0/8'] }),
    });
    expect(res.status).toBe(200); // the change applies from the next request
    await expectErrorBody(await asSuperuser(), 403);
    await expectErrorBody(await g.fetch('/api/collections', { token: g.admin.authStore.token }), 403);
    // Guests and other auth records are not affected.
    expect((await g.fetch('/api/health')).status).toBe(200);
    expect((await g.fetch('/api/collections/users/records', { token: userAuth })).status).toBe(200);
    // The API is locked for superusers: the operator resets the setting outside it.
    await g.core.settings.update({ superuserIPs: [] });
    expect((await asSuperuser()).status).toBe(200);
  });

  it('takes the client IP from the trusted proxy header', async () => {
    await g.admin.settings.update({ trustedProxy: { headers: ['X-Real-IP'], useLeftmostIP: false }, superuserIPs: ['203.0.113.7'] });
    expect((await asSuperuser({ 'x-real-ip': '203.0.113.7' })).status).toBe(200);
    await expectErrorBody(await asSuperuser(), 403);
    await expectErrorBody(await asSuperuser({ 'x-real-ip': '203.0.113.8' }), 403);
    expect((await g.fetch('/api/settings', {
      method: 'PATCH', token: g.admin.authStore.token,
      headers: { 'content-type': 'application/json', 'x-real-ip': '203.0.113.7' },
      body: JSON.stringify({ superuserIPs: [], trustedProxy: { headers: [] } }),
    })).status).toBe(200);
    expect((await asSuperuser()).status).toBe(200);
  });

  it('is cleared by `galley superuser ips --clear`, picked up by the running server', async () => {
    await g.admin.settings.update({ superuserIPs: ['192.0.2.1'] });
    await expectErrorBody(await asSuperuser(), 403);
    const db = engine === 'postgres' ? ['--db', g.dbUrl] : ['--dir', g.dir];
    const shown = await runCli(['superuser', 'ips', ...db]);
    expect(shown.stdout).toContain('Superusers are allowed from: 192.0.2.1');
    const bad = await runCli(['superuser', 'ips', 'not-an-ip', ...db]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Must be a valid IP address or CIDR range.');
    const cleared = await runCli(['superuser', 'ips', '--clear', ...db]);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('Superusers are allowed from any IP.');
    // The server re-reads its cached settings within about two seconds.
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await asSuperuser()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 150));
    }
    expect(status).toBe(200);
  }, 30_000);
});
