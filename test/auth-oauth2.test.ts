/**
 * OAuth2 code sign-in (API spec 4.2, 5.2, 5.5) through the SDK on both engines,
 * against a real OpenID Connect server (oauth2-mock-server) started here: codes come
 * from its /authorize endpoint, Galley exchanges them at its token endpoint and reads
 * its userinfo. Covers sign-up, repeat sign-in, linking by verified email (with the
 * pre-hijacking password reset), disabled collections, unknown providers, bad codes,
 * provider-name validation, and that the client secret and tokens stay out of
 * responses and logs.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { image } from './support/files.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth2Server } from 'oauth2-mock-server';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { captureConsole } from './support/console-capture.js';

const SECRET = 'oauth-client-secret-7f3a9c';
const REDIRECT = 'https://app.example.test/oauth2-callback';
const PASSWORD = 'first-password-1';

describe.each(ENGINES)('OAuth2 sign-in on %s', (engine) => {
  let g: TestGalley;
  let idp: OAuth2Server;
  /** A second provider server, for the failing exchanges (see the bad-code test). */
  let strictIdp: OAuth2Server;
  let base = '';
  const logs: string[] = [];
  const accessTokens: string[] = [];
  const secretsSeen: unknown[] = [];
  /** What the provider's userinfo endpoint answers next. */
  let nextUser: Record<string, unknown> = {};
  let n = 0;

  const provider = (name: string, at = base) => ({
    name, clientId: `galley-${name}`, clientSecret: SECRET, authURL: `${at}/authorize`, tokenURL: `${at}/token`, userInfoURL: `${at}/userinfo`, displayName: `IdP ${name}`,
  });

  /** Follows the provider's authURL from auth-methods like a browser would and returns the code and verifier. */
  const authorize = async (collection = 'users', name = 'oidc') => {
    const methods = await g.client().collection(collection).listAuthMethods();
    const p = methods.oauth2.providers.find((x) => x.name === name)!;
    const res = await fetch(p.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe(p.state);
    return { code: location.searchParams.get('code')!, codeVerifier: p.codeVerifier };
  };
  const signIn = async (user: Record<string, unknown>, collection = 'users', name = 'oidc', createData?: Record<string, unknown>) => {
    nextUser = user;
    const { code, codeVerifier } = await authorize(collection, name);
    return g.client().collection(collection).authWithOAuth2Code(name, code, codeVerifier, REDIRECT, createData);
  };
  const fresh = () => ({ sub: `sub-${++n}-${engine}`, email: `oauth${n}-${engine}@example.com`, email_verified: true, name: `User ${n}` });

  beforeAll(async () => {
    captureConsole(logs);
    idp = new OAuth2Server();
    await idp.issuer.keys.generate('RS256');
    await idp.start(0, '127.0.0.1');
    base = `http://127.0.0.1:${idp.address().port}`;
    idp.service.on('beforeUserinfo', (res: { body: unknown }) => { res.body = nextUser; });
    idp.service.on('beforeResponse', (res: { body: Record<string, unknown> }, req: { body: Record<string, unknown> }) => {
      secretsSeen.push(req.body.client_secret);
      if (typeof res.body.access_token === 'string') accessTokens.push(res.body.access_token, String(res.body.refresh_token));
    });
    strictIdp = new OAuth2Server();
    await strictIdp.issuer.keys.generate('RS256');
    await strictIdp.start(0, '127.0.0.1');
    strictIdp.service.on('beforeUserinfo', (res: { body: unknown }) => { res.body = nextUser; });
    g = await startGalley(engine, { logWarning: (m) => logs.push(m), logError: (e) => logs.push(e instanceof Error ? `${e.message}\n${e.stack}` : String(e)) });
    await g.admin.collections.update('users', { oauth2: { enabled: true, providers: [provider('oidc'), provider('oidc2')] } });
    const strictBase = `http://127.0.0.1:${strictIdp.address().port}`;
    await g.admin.collections.create({ name: 'strict', type: 'auth', fields: [], oauth2: { enabled: true, providers: [provider('oidc', strictBase)] } });
    await g.admin.collections.create({ name: 'closed', type: 'auth', fields: [], oauth2: { enabled: false, providers: [provider('oidc')] } });
  });

  afterAll(async () => {
    await g?.close();
    await idp?.stop();
    await strictIdp?.stop();
    vi.restoreAllMocks();
  });

  it('never returns the client secret, but keeps it across updates', async () => {
    const raw = await (await g.fetch('/api/collections/users', { token: g.admin.authStore.token })).text();
    expect(raw).toContain('galley-oidc');
    expect(raw).not.toContain(SECRET);
    const users = await g.admin.collections.getOne('users');
    expect(users.oauth2.providers.map((p: { name: string }) => p.name)).toEqual(['oidc', 'oidc2']);
    // Re-saving what the API returned (no secrets) must not wipe them.
    await g.admin.collections.update('users', { oauth2: users.oauth2 });
    const stored = g.core.collections.find('users')!.model.oauth2!.providers;
    expect(stored.map((p) => p.clientSecret)).toEqual([SECRET, SECRET]);
  });

  it('lists enabled providers with state, authURL and PKCE values', async () => {
    const methods = await g.client().collection('users').listAuthMethods();
    expect(methods.oauth2.enabled).toBe(true);
    expect(methods.oauth2.providers.map((p) => p.name)).toEqual(['oidc', 'oidc2']);
    for (const p of methods.oauth2.providers) {
      expect(p.displayName).toBe(`IdP ${p.name}`);
      expect(p.state).toMatch(/^[a-zA-Z0-9]{30}$/);
      expect(p.authURL.startsWith(`${base}/authorize?`)).toBe(true);
      expect(p.authURL.endsWith('redirect_uri=')).toBe(true);
      expect(p.codeChallengeMethod).toBe('S256');
      expect(p.codeVerifier.length).toBeGreaterThanOrEqual(43);
      expect(p.codeChallenge).toBe(createHash('sha256').update(p.codeVerifier).digest('base64url'));
      expect(JSON.stringify(p)).not.toContain(SECRET);
    }
    const closed = await g.client().collection('closed').listAuthMethods();
    expect(closed.oauth2).toEqual({ enabled: false, providers: [] });
  });

  it('creates a new verified record on first sign-in, then signs the same account in to it', async () => {
    const user = fresh();
    const first = await signIn(user);
    expect(first.meta?.isNew).toBe(true);
    expect(first.meta?.id).toBe(user.sub);
    expect(first.meta?.email).toBe(user.email);
    expect(first.meta?.accessToken).toBeTruthy();
    expect(first.meta?.rawUser).toEqual(user);
    expect(first.record.email).toBe(user.email);
    expect(first.record.verified).toBe(true);
    expect(first.record.name).toBe(user.name); // mapped name field
    expect(first.token).toBeTruthy();
    expect(secretsSeen.at(-1)).toBe(SECRET); // the exchange authenticated the client

    // Same provider account, even with a changed email: the linked record, not a new one.
    const again = await signIn({ ...user, email: `changed-${user.email}` });
    expect(again.meta?.isNew).toBe(false);
    expect(again.record.id).toBe(first.record.id);
    const count = await g.admin.collection('users').getList(1, 1, { filter: g.admin.filter('email ~ {:e}', { e: user.email }) });
    expect(count.totalItems).toBe(1); // only the original record carries the address
  });

  it('exposes the links as the _externalAuths system collection: own links listed and unlinked', async () => {
    const user = fresh();
    const first = await signIn(user);
    const pb = g.client();
    pb.authStore.save(first.token, first.record);
    const links = await pb.collection('users').listExternalAuths(first.record.id);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ collectionRef: first.record.collectionId, recordRef: first.record.id, provider: 'oidc', providerId: user.sub });
    // Nobody else sees them; the collection itself is a system one that cannot be deleted.
    const other = await signIn(fresh());
    const stranger = g.client();
    stranger.authStore.save(other.token, other.record);
    expect(await stranger.collection('_externalAuths').getFullList({ filter: `recordRef = "${first.record.id}"` })).toEqual([]);
    expect((await g.client().collection('_externalAuths').getList()).items).toEqual([]);
    expect((await failure(g.admin.collections.delete('_externalAuths'))).status).toBe(400);
    expect((await failure(pb.collection('_externalAuths').create({ collectionRef: 'x', recordRef: first.record.id, provider: 'p', providerId: 'q' }))).status).toBe(403);

    expect(await pb.collection('users').unlinkExternalAuth(first.record.id, 'oidc')).toBe(true);
    expect(await pb.collection('users').listExternalAuths(first.record.id)).toEqual([]);
    // Unlinked, the provider account no longer signs in as that record; deleting a record drops its links.
    const again = await signIn(user);
    expect(again.record.id).toBe(first.record.id); // re-linked through its verified email
    await g.admin.collection('users').delete(first.record.id);
    expect((await g.admin.collection('_externalAuths').getFullList({ filter: `recordRef = "${first.record.id}"` }))).toEqual([]);
  });

  it('downloads the provider avatar into the mapped file field, only from allowed addresses', async () => {
    const png = await image('png', 40, 30);
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/avatar.png' ? 200 : 404, { 'content-type': 'image/png' }).end(req.url === '/avatar.png' ? png : undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const picture = `http://127.0.0.1:${(server.address() as AddressInfo).port}/avatar.png`;
    try {
      // 127.0.0.1 is loopback: refused unless allowed; the sign-up still succeeds, without the avatar.
      const refused = await signIn({ ...fresh(), picture });
      expect(refused.record.avatar).toBe('');
      expect(logs.some((l) => l.includes('OAuth2 avatar') && l.includes('127.0.0.1'))).toBe(true);

      await g.admin.settings.update({ webhooks: { allowedPrivateTargets: ['127.0.0.1'] } });
      const user = fresh();
      const created = await signIn({ ...user, picture });
      expect(created.record.avatar).toMatch(/^avatar_[a-z0-9]{10}\.png$/);
      const file = await g.fetch(`/api/files/users/${created.record.id}/${created.record.avatar}`);
      expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
      // Not for an existing account, and a missing image is skipped.
      expect((await signIn({ ...user, picture: `${picture}?changed` })).record.avatar).toBe(created.record.avatar);
      expect((await signIn({ ...fresh(), picture: picture.replace('avatar.png', 'missing.png') })).record.avatar).toBe('');
    } finally {
      await g.admin.settings.update({ webhooks: { allowedPrivateTargets: [] } });
      server.close();
    }
  });

  it('keeps providers apart: the same subject on oidc2 is another account', async () => {
    const user = fresh();
    const a = await signIn({ ...user, email_verified: false, email: '' }, 'users', 'oidc', { email: `a-${user.email}` });
    const b = await signIn({ ...user, email_verified: false, email: '' }, 'users', 'oidc2', { email: `b-${user.email}` });
    expect(a.meta?.isNew).toBe(true);
    expect(b.meta?.isNew).toBe(true);
    expect(b.record.id).not.toBe(a.record.id);
    expect(a.record.verified).toBe(false); // no verified email from the provider
  });

  it('links an existing record by verified email, verifying it and resetting its password', async () => {
    const user = fresh();
    const existing = await g.admin.collection('users').create({ email: user.email, password: PASSWORD, passwordConfirm: PASSWORD });
    expect(existing.verified).toBe(false);
    const result = await signIn(user);
    expect(result.meta?.isNew).toBe(false);
    expect(result.record.id).toBe(existing.id);
    expect(result.record.verified).toBe(true);
    // Whoever pre-registered the address can no longer sign in with the old password.
    const err = await failure(g.client().collection('users').authWithPassword(user.email, PASSWORD));
    expect(err.status).toBe(400);
    // And the provider account is now linked to that record.
    const again = await signIn({ ...user, email: '' });
    expect(again.record.id).toBe(existing.id);
  });

  it('keeps the password of an already verified record it links to', async () => {
    const user = fresh();
    const existing = await g.admin.collection('users').create({ email: user.email, password: PASSWORD, passwordConfirm: PASSWORD, verified: true });
    const result = await signIn(user);
    expect(result.record.id).toBe(existing.id);
    const byPassword = await g.client().collection('users').authWithPassword(user.email, PASSWORD);
    expect(byPassword.record.id).toBe(existing.id);
  });

  it('refuses collections with OAuth2 disabled (403)', async () => {
    nextUser = fresh();
    const res = await g.fetch('/api/collections/closed/auth-with-oauth2', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'oidc', code: 'whatever', codeVerifier: 'x'.repeat(43), redirectURL: REDIRECT }),
    });
    await expectErrorBody(res, 403);
  });

  it('rejects unknown providers (400 validation_invalid_provider)', async () => {
    for (const provider of ['github', 'oidc3', 'nope']) {
      const err = await failure(g.client().collection('users').authWithOAuth2Code(provider, 'code', 'x'.repeat(43), REDIRECT));
      expect(err.status).toBe(400);
      expect(err.response.data.provider.code).toBe('validation_invalid_provider');
    }
  });

  it('rejects a bad code, a wrong verifier and a missing code (400)', async () => {
    // The mock server drops the connection after answering a failed PKCE check, so these
    // run against a provider of their own, with every code fetched before the first failure.
    nextUser = fresh();
    const { code } = await authorize('strict');
    const wrongVerifier = await failure(g.client().collection('strict').authWithOAuth2Code('oidc', code, 'y'.repeat(43), REDIRECT));
    expect(wrongVerifier.status).toBe(400);
    const bad = await failure(g.client().collection('strict').authWithOAuth2Code('oidc', 'not-a-real-code', 'x'.repeat(43), REDIRECT));
    expect(bad.status).toBe(400);
    const found = await g.admin.collection('strict').getList(1, 1);
    expect(found.totalItems).toBe(0);
    const res = await g.fetch('/api/collections/users/auth-with-oauth2', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'oidc', codeVerifier: 'x', redirectUrl: REDIRECT }),
    });
    const body = await expectErrorBody(res, 400);
    expect(body.data.code.code).toBe('validation_required');
  });

  it('validates provider names in the collection options; oidc3 works with custom URLs', async () => {
    const err = await failure(g.admin.collections.update('users', { oauth2: { enabled: true, providers: [provider('oidc'), provider('myidp')] } }));
    expect(err.status).toBe(400);
    expect(err.response.data.oauth2.providers['1'].name.code).toBe('validation_invalid_provider');
    await g.admin.collections.update('users', { oauth2: { enabled: true, providers: [provider('oidc'), provider('oidc2'), provider('oidc3')] } });
    const result = await signIn(fresh(), 'users', 'oidc3');
    expect(result.meta?.isNew).toBe(true);
  });

  it('never creates a superuser via OAuth2, but signs an existing one in', async () => {
    await g.admin.collections.update('_superusers', { oauth2: { enabled: true, providers: [provider('oidc')] } });
    const user = fresh();
    const err = await failure(signIn(user, '_superusers'));
    expect(err.status).toBe(403);
    const found = await g.admin.collection('_superusers').getList(1, 1, { filter: g.admin.filter('email = {:e}', { e: user.email }) });
    expect(found.totalItems).toBe(0);
    await g.admin.collection('_superusers').create({ email: user.email, password: PASSWORD, passwordConfirm: PASSWORD });
    const ok = await signIn(user, '_superusers');
    expect(ok.record.email).toBe(user.email);
    expect(ok.meta?.isNew).toBe(false);
    await g.admin.collections.update('_superusers', { oauth2: { enabled: false } });
  });

  it('never writes the client secret or provider tokens to a log', () => {
    expect(accessTokens.length).toBeGreaterThan(0);
    const all = logs.join('\n');
    expect(all).not.toContain(SECRET);
    for (const t of accessTokens) expect(all).not.toContain(t);
  });
});
