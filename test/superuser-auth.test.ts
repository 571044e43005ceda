/** Password sign-in, tokens and auth-record rules (API spec 1.5, 2.4, 2.5, 5.1, 5.3, 5.4, 5.12). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { ENGINES, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';

const SUPERUSERS_ID = 'pbc_3142635823';
const FAILED_AUTH = { status: 400, message: 'Failed to authenticate.', data: {} };
const SUPERUSERS_ONLY = { status: 403, message: 'Only superusers can perform this action.', data: {} };
const LOGIN = '/api/collections/_superusers/auth-with-password';
const REFRESH = '/api/collections/_superusers/auth-refresh';

function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'));
}

describe.each(ENGINES)('superuser auth on %s', (engine) => {
  let g: TestGalley;

  const login = (identity: unknown, password: unknown, collection = '_superusers') =>
    g.fetch(`/api/collections/${collection}/auth-with-password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity, password }),
    });
  /** Status of a superusers-only record list (null rules) with the given Authorization header. */
  const privateStatus = async (authorization?: string) =>
    (await g.fetch('/api/collections/private/records', { headers: authorization ? { authorization } : {} })).status;
  const tokenKeyOf = async (collection: string, id: string) =>
    String((await g.core.store.get(`SELECT "tokenKey" FROM "${collection}" WHERE "id" = ${g.core.store.dialect.placeholder(1)}`, [id]))!.tokenKey);

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'private', type: 'base', fields: [{ name: 'text', type: 'text' }] });
  });
  afterAll(() => g.close());

  describe('auth-with-password', () => {
    it('returns {token, record} with the email shown and no secrets', async () => {
      const res = await login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(Object.keys(body)).toEqual(['token', 'record']);
      expect(body.record).toMatchObject({
        collectionId: SUPERUSERS_ID, collectionName: '_superusers', email: SUPERUSER_EMAIL, verified: true,
      });
      expect(body.record.id).toMatch(/^[a-z0-9]{15}$/);
      expect(body.record).not.toHaveProperty('password');
      expect(body.record).not.toHaveProperty('tokenKey');
    });

    it('issues an HS256 JWT with PocketBase claims and no iat', async () => {
      const body = await (await login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)).json();
      expect(decodePart(body.token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = decodePart(body.token, 1);
      expect(Object.keys(claims).sort()).toEqual(['collectionId', 'exp', 'id', 'refreshable', 'type']);
      expect(claims).toMatchObject({ id: body.record.id, collectionId: SUPERUSERS_ID, type: 'auth', refreshable: true });
      const ahead = (claims.exp as number) - Date.now() / 1000;
      expect(ahead).toBeGreaterThan(86400 - 30);
      expect(ahead).toBeLessThanOrEqual(86400);
    });

    it('gives the same answer for a wrong password and an unknown email', async () => {
      const wrongPassword = await login(SUPERUSER_EMAIL, 'not-the-password');
      const unknownEmail = await login('nobody@example.com', SUPERUSER_PASSWORD);
      const a = await expectErrorBody(wrongPassword, 400);
      const b = await expectErrorBody(unknownEmail, 400);
      expect(a).toEqual(FAILED_AUTH);
      expect(b).toEqual(FAILED_AUTH);
      expect(await expectErrorBody(await login('admin\u0000@example.com', SUPERUSER_PASSWORD), 400)).toEqual(FAILED_AUTH);
    });

    it('reports missing fields under data.identity / data.password', async () => {
      const both = await expectErrorBody(await login(undefined, undefined), 400);
      expect(both.data).toEqual({
        identity: { code: 'validation_required', message: 'Cannot be blank.' },
        password: { code: 'validation_required', message: 'Cannot be blank.' },
      });
      expect(Object.keys((await expectErrorBody(await login(SUPERUSER_EMAIL, ''), 400)).data)).toEqual(['password']);
      expect(Object.keys((await expectErrorBody(await login('', 'x'), 400)).data)).toEqual(['identity']);
      // an identity of the wrong type is as good as missing
      expect(Object.keys((await expectErrorBody(await login(42, { p: 1 }), 400)).data).sort()).toEqual(['identity', 'password']);
    });

    it('refuses an identityField that is not an identity field', async () => {
      const res = await g.fetch(LOGIN, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD, identityField: 'id' }),
      });
      expect(Object.keys((await expectErrorBody(res, 400)).data)).toEqual(['identityField']);
    });

    it('answers 404 for a collection that is not an auth collection', async () => {
      const body = await expectErrorBody(await login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD, 'private'), 404);
      expect(body).toEqual({ status: 404, message: 'Missing or invalid auth collection context.', data: {} });
      await expectErrorBody(await login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD, 'nope'), 404);
    });
  });

  describe('tokens', () => {
    it('accepts the bare token and a Bearer token (any case)', async () => {
      const token = g.admin.authStore.token;
      expect(await privateStatus(token)).toBe(200);
      for (const prefix of ['Bearer ', 'bearer ', 'BEARER ']) expect([prefix, await privateStatus(prefix + token)]).toEqual([prefix, 200]);
      expect(await privateStatus()).toBe(403);
    });

    it('treats an invalid, expired, tampered or unsigned token as a guest (403 on null rules, not 401)', async () => {
      const token = g.admin.authStore.token;
      const me = g.admin.authStore.record!;
      const [header, payload, signature] = token.split('.');
      const key = new TextEncoder().encode(await tokenKeyOf('_superusers', me.id) + g.core.collections.get('_superusers').model.authToken!.secret);
      const expired = await new SignJWT({ id: me.id, collectionId: SUPERUSERS_ID, type: 'auth', refreshable: true, exp: Math.floor(Date.now() / 1000) - 10 })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
      const claims = decodePart(token, 1);
      const forged = Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 3600 })).toString('base64url');
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      const nulId = Buffer.from(JSON.stringify({ ...claims, id: 'abc\u0000' })).toString('base64url');
      const flipped = signature!.slice(0, -2) + (signature!.endsWith('AA') ? 'BB' : 'AA');
      const fileToken = await new SignJWT({ id: me.id, collectionId: SUPERUSERS_ID, type: 'file', exp: Math.floor(Date.now() / 1000) + 60 })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
      const cases: Record<string, string> = {
        garbage: 'not-a-token',
        expired,
        forgedPayload: `${header}.${forged}.${signature}`,
        flippedSignature: `${header}.${payload}.${flipped}`,
        unsigned,
        nulId: `${header}.${nulId}.${signature}`,
        wrongType: fileToken,
        bearerGarbage: 'Bearer x.y.z',
      };
      for (const [name, bad] of Object.entries(cases)) {
        const res = await g.fetch('/api/collections/private/records', { headers: { authorization: bad } });
        expect([name, await expectErrorBody(res, 403)]).toEqual([name, SUPERUSERS_ONLY]);
      }
      // the real token was never affected
      expect(await privateStatus(token)).toBe(200);
    });
  });

  describe('auth-refresh', () => {
    it('returns a fresh refreshable token and the record', async () => {
      const res = await g.fetch(REFRESH, { method: 'POST', token: g.admin.authStore.token });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(Object.keys(body)).toEqual(['token', 'record']);
      expect(body.record).toMatchObject({ id: g.admin.authStore.record!.id, email: SUPERUSER_EMAIL });
      expect(body.record).not.toHaveProperty('tokenKey');
      const claims = decodePart(body.token, 1);
      expect(claims).toMatchObject({ id: body.record.id, collectionId: SUPERUSERS_ID, type: 'auth', refreshable: true });
      expect((claims.exp as number) - Date.now() / 1000).toBeGreaterThan(86400 - 30);
      expect(await privateStatus(body.token)).toBe(200);
      // and through the SDK
      const pb = g.client();
      pb.authStore.save(g.admin.authStore.token, g.admin.authStore.record);
      expect((await pb.collection('_superusers').authRefresh()).record.email).toBe(SUPERUSER_EMAIL);
    });

    it('echoes a non-refreshable token instead of minting a new one', async () => {
      const me = g.admin.authStore.record!;
      const key = new TextEncoder().encode(await tokenKeyOf('_superusers', me.id) + g.core.collections.get('_superusers').model.authToken!.secret);
      const fixed = await new SignJWT({ id: me.id, collectionId: SUPERUSERS_ID, type: 'auth', refreshable: false, exp: Math.floor(Date.now() / 1000) + 600 })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
      const body = await (await g.fetch(REFRESH, { method: 'POST', token: fixed })).json();
      expect(body.token).toBe(fixed);
      expect(body.record.id).toBe(me.id);
    });

    it('answers 401 without a valid token and 403 with a token of another collection', async () => {
      const missing = { status: 401, message: 'The request requires valid record authorization token.', data: {} };
      expect(await expectErrorBody(await g.fetch(REFRESH, { method: 'POST' }), 401)).toEqual(missing);
      expect(await expectErrorBody(await g.fetch(REFRESH, { method: 'POST', token: 'garbage' }), 401)).toEqual(missing);
      const user = await g.admin.collection('users').create({ email: 'refresh@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1' });
      const pb = g.client();
      await pb.collection('users').authWithPassword(user.email, 'user-password-1');
      await expectErrorBody(await g.fetch(REFRESH, { method: 'POST', token: pb.authStore.token }), 403);
      expect((await g.fetch('/api/collections/users/auth-refresh', { method: 'POST', token: pb.authStore.token })).status).toBe(200);
    });
  });

  describe('password changes', () => {
    it('rotate the tokenKey, so older tokens stop working', async () => {
      const su = await g.admin.collection('_superusers').create({ email: 'second@example.com', password: 'first-password', passwordConfirm: 'first-password' });
      const pb = g.client();
      await pb.collection('_superusers').authWithPassword('second@example.com', 'first-password');
      const oldToken = pb.authStore.token;
      const keyBefore = await tokenKeyOf('_superusers', su.id);
      expect(await privateStatus(oldToken)).toBe(200);

      const updated = await g.admin.collection('_superusers').update(su.id, { password: 'second-password', passwordConfirm: 'second-password' });
      expect(updated).not.toHaveProperty('password');
      expect(await tokenKeyOf('_superusers', su.id)).not.toBe(keyBefore);
      expect(await privateStatus(oldToken)).toBe(403);
      expect(await expectErrorBody(await g.fetch(REFRESH, { method: 'POST', token: oldToken }), 401)).toMatchObject({ status: 401 });
      expect(await expectErrorBody(await login('second@example.com', 'first-password'), 400)).toEqual(FAILED_AUTH);
      const fresh = await (await login('second@example.com', 'second-password')).json();
      expect(await privateStatus(fresh.token)).toBe(200);
      // the admin's own token was not touched
      expect(await privateStatus(g.admin.authStore.token)).toBe(200);
    });

    it('as do email changes', async () => {
      const su = await g.admin.collection('_superusers').create({ email: 'third@example.com', password: 'third-password', passwordConfirm: 'third-password' });
      const token = (await (await login('third@example.com', 'third-password')).json()).token;
      await g.admin.collection('_superusers').update(su.id, { emailVisibility: true });
      expect(await privateStatus(token)).toBe(200);
      await g.admin.collection('_superusers').update(su.id, { email: 'third-renamed@example.com' });
      expect(await privateStatus(token)).toBe(403);
      expect((await login('third-renamed@example.com', 'third-password')).status).toBe(200);
    });

    it('need a matching passwordConfirm', async () => {
      const me = g.admin.authStore.record!;
      const err = await failure(g.admin.collection('_superusers').update(me.id, { password: 'another-password', passwordConfirm: 'different-password' }));
      expect(err.status).toBe(400);
      expect(err.response.data.passwordConfirm.code).toBe('validation_values_mismatch');
      expect((await login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)).status).toBe(200);
    });
  });

  it('never returns the password hash or the tokenKey', async () => {
    const me = g.admin.authStore.record!;
    const secrets = [await tokenKeyOf('_superusers', me.id), '$argon2', '"password"', '"tokenKey"', SUPERUSER_PASSWORD];
    const user = await g.admin.collection('users').create({ email: 'leak@example.com', password: 'leak-password-1', passwordConfirm: 'leak-password-1' });
    secrets.push(await tokenKeyOf('users', user.id), 'leak-password-1');
    const responses = await Promise.all([
      login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD),
      login('leak@example.com', 'leak-password-1', 'users'),
      g.fetch(REFRESH, { method: 'POST', token: g.admin.authStore.token }),
      g.fetch('/api/collections/_superusers/records', { token: g.admin.authStore.token }),
      g.fetch('/api/collections/_superusers/records?fields=*', { token: g.admin.authStore.token }),
      g.fetch('/api/collections/_superusers/records?fields=id,password,tokenKey', { token: g.admin.authStore.token }),
      g.fetch(`/api/collections/_superusers/records/${me.id}`, { token: g.admin.authStore.token }),
      g.fetch(`/api/collections/_superusers/records/${me.id}`, {
        method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: '{"emailVisibility":true}',
      }),
      g.fetch('/api/collections/users/records', { token: g.admin.authStore.token }),
      g.fetch(`/api/collections/users/records/${user.id}`, { token: g.admin.authStore.token }),
    ]);
    for (const res of responses) {
      expect([res.url, res.status]).toEqual([res.url, 200]);
      const text = await res.text();
      for (const secret of secrets) expect([res.url, text.includes(secret)]).toEqual([res.url, false]);
    }
  });

  describe('users collection', () => {
    it('lets a user created by a superuser sign in', async () => {
      const user = await g.admin.collection('users').create({
        email: 'alice@example.com', password: 'alice-password', passwordConfirm: 'alice-password', name: 'Alice',
      });
      expect(user).toMatchObject({ email: 'alice@example.com', name: 'Alice', verified: false, emailVisibility: false });
      const pb = g.client();
      const auth = await pb.collection('users').authWithPassword('alice@example.com', 'alice-password');
      expect(auth.record).toMatchObject({ id: user.id, collectionName: 'users', email: 'alice@example.com', name: 'Alice' });
      const claims = decodePart(auth.token, 1);
      expect(claims).toMatchObject({ id: user.id, collectionId: '_pb_users_auth_', type: 'auth', refreshable: true });
      expect(pb.authStore.isValid).toBe(true);
      expect(pb.authStore.isSuperuser).toBe(false);
      // a regular user is not a superuser
      expect(await expectErrorBody(await g.fetch('/api/collections/private/records', { token: auth.token }), 403)).toEqual(SUPERUSERS_ONLY);
      expect((await login('alice@example.com', 'wrong-password', 'users')).status).toBe(400);
    });

    it('keeps auth record ids unique across auth collections', async () => {
      const me = g.admin.authStore.record!;
      const err = await failure(g.admin.collection('users').create({ id: me.id, email: 'clash@example.com', password: 'clash-password', passwordConfirm: 'clash-password' }));
      expect(err.status).toBe(400);
      expect(err.response.data.id.code).toBe('validation_invalid_auth_id');
    });

    it('turns the token of a deleted user into a guest token', async () => {
      const user = await g.admin.collection('users').create({ email: 'gone@example.com', password: 'gone-password', passwordConfirm: 'gone-password' });
      const pb = g.client();
      await pb.collection('users').authWithPassword('gone@example.com', 'gone-password');
      expect((await g.fetch('/api/collections/users/auth-refresh', { method: 'POST', token: pb.authStore.token })).status).toBe(200);
      await g.admin.collection('users').delete(user.id);
      await expectErrorBody(await g.fetch('/api/collections/users/auth-refresh', { method: 'POST', token: pb.authStore.token }), 401);
    });

    it('requires passwordConfirm to match on create', async () => {
      for (const body of [
        { email: 'bob@example.com', password: 'bob-password', passwordConfirm: 'bob-passw0rd' },
        { email: 'bob@example.com', password: 'bob-password' },
      ]) {
        const err = await failure(g.admin.collection('users').create(body));
        expect(err.status).toBe(400);
        expect(err.response.data.passwordConfirm.code).toBe('validation_values_mismatch');
      }
      expect((await login('bob@example.com', 'bob-password', 'users')).status).toBe(400);
    });

    it('does not let a non-superuser set verified, but lets a superuser', async () => {
      const before = (await g.admin.collection('users').getList(1, 1)).totalItems;
      const err = await failure(g.client().collection('users').create({
        email: 'carol@example.com', password: 'carol-password', passwordConfirm: 'carol-password', verified: true,
      }));
      expect(err.status).toBe(400);
      expect(Object.keys(err.response.data)).toEqual(['verified']);
      expect(err.response.data.verified.code).toEqual(expect.stringMatching(/^validation_/));
      expect((await g.admin.collection('users').getList(1, 1)).totalItems).toBe(before);

      const guestMade = await g.client().collection('users').create({ email: 'carol@example.com', password: 'carol-password', passwordConfirm: 'carol-password', verified: false });
      expect(guestMade.verified).toBe(false);
      const adminMade = await g.admin.collection('users').create({ email: 'dave@example.com', password: 'dave-password', passwordConfirm: 'dave-password', verified: true });
      expect(adminMade.verified).toBe(true);
    });
  });
});
