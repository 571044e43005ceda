/**
 * The rate limiter (spec 10.1): PocketBase's default settings (off, its four rules),
 * custom rules by path, `*:tag` and `collection:tag`, audience, superusers and excluded
 * IPs exempt, and the client IP from trustedProxy (spec 10.2). Sign-in protection,
 * which is on by default, is tested in signin-protection.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, SUPERUSER_EMAIL, startGalley, type TestGalley } from './support/galley.js';
import { userToken } from './support/sdk.js';

const TOO_MANY = '{"status":429,"message":"Too Many Requests.","data":{}}';

describe.each(ENGINES)('rate limits on %s', (engine) => {
  let g: TestGalley;
  let userAuth: string;
  const su = () => g.admin.authStore.token;

  const json = (path: string, body: unknown, init: RequestInit & { token?: string } = {}) =>
    g.fetch(path, { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body) });
  const statuses = async (n: number, send: () => Promise<Response>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await send()).status);
    return out;
  };
  const rules = (...list: { label: string; audience?: string; duration?: number; maxRequests: number }[]) =>
    g.admin.settings.update({ rateLimits: { enabled: true, rules: list.map((r) => ({ audience: '', duration: 60, ...r })) } });
  const expectTooMany = async (res: Response) => {
    expect(res.status).toBe(429);
    expect(await res.text()).toBe(TOO_MANY);
  };

  beforeAll(async () => {
    g = await startGalley(engine);
    userAuth = await userToken(g, 'limited@example.com', 'user-password-1');
    for (const name of ['posts', 'notes']) await g.admin.collections.create({ name, type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }] });
  });
  afterAll(() => g.close());

  it("is off by default with PocketBase's rules; switched on, *:auth limits every auth-with route per collection and IP", async () => {
    const s = await g.admin.settings.getAll();
    expect(s.rateLimits).toEqual({
      enabled: false,
      excludedIPs: [],
      rules: [
        { label: '*:auth', audience: '', duration: 3, maxRequests: 2 },
        { label: '*:create', audience: '', duration: 5, maxRequests: 20 },
        { label: '/api/batch', audience: '', duration: 1, maxRequests: 3 },
        { label: '/api/', audience: '', duration: 10, maxRequests: 300 },
      ],
    });
    const signIn = (password: string) => () => json('/api/collections/users/auth-with-password', { identity: 'limited@example.com', password });
    // Off: more sign-ins than any default rule allows all pass.
    expect(await statuses(5, signIn('user-password-1'))).toEqual(Array(5).fill(200));
    expect(await statuses(25, () => g.fetch('/api/health'))).toEqual(Array(25).fill(200));

    await rules({ label: '*:auth', maxRequests: 2 });
    expect(await statuses(2, signIn('wrong-password'))).toEqual([400, 400]);
    await expectTooMany(await signIn('wrong-password')());
    await expectTooMany(await signIn('user-password-1')());
    // The rule counts each route on its own: auth-with-otp (also tagged auth) is still answered (403: OTP is off for users).
    expect((await json('/api/collections/users/auth-with-otp', { otpId: 'x', password: '12345678' })).status).toBe(403);
    // Counted per collection: the superusers' sign-in is a separate bucket.
    expect((await json('/api/collections/_superusers/auth-with-password', { identity: SUPERUSER_EMAIL, password: 'nope-nope-nope' })).status).toBe(400);
    // Superusers are exempt.
    expect((await json('/api/collections/users/auth-with-password', { identity: 'limited@example.com', password: 'wrong-password' }, { token: su() })).status).toBe(400);
  });

  it('limits a mail-sending route by its tag, per collection, route and IP', async () => {
    await rules({ label: '*:requestPasswordReset', maxRequests: 5 });
    const reset = () => json('/api/collections/users/request-password-reset', { email: 'limited@example.com' });
    expect(await statuses(5, reset)).toEqual(Array(5).fill(204));
    await expectTooMany(await reset());
    // Another route has its own counter.
    expect((await json('/api/collections/users/request-verification', { email: 'limited@example.com' })).status).toBe(204);
  });

  it('limits vector searches by their own tag, *:search, apart from the list route', async () => {
    await g.admin.collections.create({ name: 'vecs', type: 'base', listRule: '', fields: [{ name: 'emb', type: 'vector', dimensions: 2 }] });
    await rules({ label: '*:search', maxRequests: 2 });
    const search = () => json('/api/collections/vecs/search', { field: 'emb', vector: [1, 0] }, { headers: { authorization: userAuth } });
    expect(await statuses(2, search)).toEqual([200, 200]);
    await expectTooMany(await search());
    expect((await g.fetch('/api/collections/vecs/records', { headers: { authorization: userAuth } })).status).toBe(200);
  });

  it('applies a custom path rule: /api/health 3 per 10 s, the 4th request is 429; superusers are exempt', async () => {
    await rules({ label: '/api/health', duration: 10, maxRequests: 3 });
    expect(await statuses(3, () => g.fetch('/api/health'))).toEqual([200, 200, 200]);
    await expectTooMany(await g.fetch('/api/health'));
    const head = await g.fetch('/api/health', { method: 'HEAD' }); // same path label, same counter
    expect(head.status).toBe(429);
    expect(await statuses(5, () => g.fetch('/api/health', { token: su() }))).toEqual(Array(5).fill(200));
    // Other paths match no rule.
    expect(await statuses(5, () => g.fetch('/api/collections/posts/records'))).toEqual(Array(5).fill(200));
  });

  it('matches collection tags before paths, an exact collection label before *:tag, and honours the audience', async () => {
    await rules(
      { label: '*:list', maxRequests: 2 },
      { label: 'posts:list', audience: '@guest', maxRequests: 1 },
      { label: '/api/', maxRequests: 100 },
    );
    const list = (c: string, token?: string) => () => g.fetch(`/api/collections/${c}/records`, { token });
    expect(await statuses(2, list('posts'))).toEqual([200, 429]); // posts:list for guests
    expect(await statuses(3, list('posts', userAuth))).toEqual([200, 200, 429]); // @guest does not fit: *:list
    expect(await statuses(3, list('notes'))).toEqual([200, 200, 429]); // *:list, counted per collection
    expect(await statuses(3, list('notes', userAuth))).toEqual([429, 429, 429]); // same collection, route and IP
    // A view is not a list: the /api/ prefix rule applies.
    const created = await g.admin.collection('notes').create({ title: 'x' });
    expect(await statuses(3, () => g.fetch(`/api/collections/notes/records/${created.id}`))).toEqual([200, 200, 200]);
  });

  it('counts by the trustedProxy header IP, honours useLeftmostIP and excludedIPs', async () => {
    await rules({ label: 'GET /api/health', maxRequests: 2 });
    const from = (xff?: string) => () => g.fetch('/api/health', xff ? { headers: { 'x-forwarded-for': xff } } : {});
    // Without a trusted header, X-Forwarded-For is ignored: everything counts for 127.0.0.1.
    expect(await statuses(3, from('10.0.0.1'))).toEqual([200, 200, 429]);
    expect((await from('10.0.0.2')()).status).toBe(429);

    await g.admin.settings.update({ trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: false } });
    expect(await statuses(3, from('10.0.0.2'))).toEqual([200, 200, 429]);
    expect((await from('10.0.0.3')()).status).toBe(200);
    expect((await from('10.0.0.3, 10.0.0.2')()).status).toBe(429); // the rightmost IP counts
    expect((await from('10.0.0.2, garbage, 10.0.0.4')()).status).toBe(200);
    await g.admin.settings.update({ trustedProxy: { useLeftmostIP: true } });
    expect((await from('10.0.0.2, 10.0.0.5')()).status).toBe(429);
    expect((await from('10.0.0.5, 10.0.0.2')()).status).toBe(200);

    await g.admin.settings.update({ rateLimits: { excludedIPs: ['10.0.0.0/30'] } });
    expect(await statuses(4, from('10.0.0.2'))).toEqual(Array(4).fill(200));
    expect((await from('10.0.0.5')()).status).toBe(200);
    expect((await from('10.0.0.5')()).status).toBe(429); // 10.0.0.5 is outside 10.0.0.0/30

    await g.admin.settings.update({ rateLimits: { enabled: false } });
    expect(await statuses(4, from('10.0.0.5'))).toEqual(Array(4).fill(200));
    await g.admin.settings.update({ rateLimits: { enabled: true, excludedIPs: [] }, trustedProxy: { headers: [], useLeftmostIP: false } });
  });
});
