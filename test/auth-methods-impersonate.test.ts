/** auth-methods (API spec 5.2) and impersonation (5.11), on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure, userToken } from './support/sdk.js';

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe.each(ENGINES)('auth-methods and impersonate on %s', (engine) => {
  let g: TestGalley;
  let userId = '';

  beforeAll(async () => {
    g = await startGalley(engine);
    await userToken(g, 'ann@example.com');
    userId = (await g.admin.collection('users').getFirstListItem('email = "ann@example.com"')).id;
  });
  afterAll(() => g.close());

  it('lists the sign-in methods of a collection to anyone', async () => {
    const methods = await g.client().collection('users').listAuthMethods();
    expect(methods).toMatchObject({
      password: { enabled: true, identityFields: ['email'] },
      oauth2: { enabled: false, providers: [] },
      mfa: { enabled: false, duration: 0 },
      otp: { enabled: false, duration: 0 },
    });
    const res = await g.fetch('/api/collections/posts_nope/auth-methods');
    expect(res.status).toBe(404);
  });

  it('gives superusers a non-refreshable token of any auth record', async () => {
    const impersonated = await g.admin.collection('users').impersonate(userId, 3600);
    expect(impersonated.authStore.record?.email).toBe('ann@example.com');
    const token = impersonated.authStore.token;
    expect(claims(token)).toMatchObject({ id: userId, type: 'auth', refreshable: false });
    expect(claims(token).exp - Date.now() / 1000).toBeGreaterThan(3500);
    expect(claims(token).exp - Date.now() / 1000).toBeLessThan(3700);
    // The token works, and refreshing it gives the same token back.
    const refreshed = await impersonated.collection('users').authRefresh();
    expect(refreshed.token).toBe(token);
  });

  it('is for superusers only, and validates the duration', async () => {
    const guest = await failure(g.client().collection('users').impersonate(userId, 0));
    expect(guest.status).toBe(401);
    const user = g.client();
    await user.collection('users').authWithPassword('ann@example.com', 'user-password-1');
    expect((await failure(user.collection('users').impersonate(userId, 0))).status).toBe(403);
    const negative = await failure(g.admin.collection('users').impersonate(userId, -5));
    expect(negative.response.data.duration.code).toBeDefined();
    expect((await failure(g.admin.collection('users').impersonate('nope00000000000', 0))).status).toBe(404);
  });
});
