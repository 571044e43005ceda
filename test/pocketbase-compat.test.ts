/**
 * PocketBase compatibility details (issue 13, part 3) through the pocketbase SDK, on
 * both engines: the system indexes of auth collections, the codes of a bad record id,
 * and the superuser data of the health check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure, userToken } from './support/sdk.js';

/** PocketBase's definitions of the two indexes it adds to an auth collection. */
const systemIndexes = (id: string, name: string) => [
  `CREATE UNIQUE INDEX \`idx_tokenKey_${id}\` ON \`${name}\` (\`tokenKey\`)`,
  `CREATE UNIQUE INDEX \`idx_email_${id}\` ON \`${name}\` (\`email\`) WHERE \`email\` != ''`,
];

describe.each(ENGINES)('PocketBase compatibility on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
  });
  afterAll(() => g.close());

  describe('auth collection system indexes', () => {
    it('adds the tokenKey and email unique indexes a created auth collection leaves out', async () => {
      const username = 'CREATE UNIQUE INDEX `idx_members_username` ON `members` (`username`)';
      const c = await g.admin.collections.create({
        name: 'members', type: 'auth', fields: [{ name: 'username', type: 'text' }], indexes: [username],
      });
      expect(c.indexes).toEqual([username, ...systemIndexes(c.id, 'members')]);
      expect((await g.admin.collections.getOne('members')).indexes).toEqual(c.indexes);
      // The indexes exist in the database: a second record with the same email is refused by the engine.
      const body = { email: 'same@example.com', password: 'member-password', passwordConfirm: 'member-password' };
      await g.admin.collection('members').create({ ...body, username: 'first' });
      const dup = await failure(g.admin.collection('members').create({ ...body, username: 'second' }));
      expect(dup.status).toBe(400);
      expect(dup.response.data.email.code).toBe('validation_not_unique');
      // An empty list gets both.
      const bare = await g.admin.collections.create({ name: 'bare_auth', type: 'auth', indexes: [] });
      expect(bare.indexes).toEqual(systemIndexes(bare.id, 'bare_auth'));
    });

    it('adds them back when an update drops them, keeping a variant of its own', async () => {
      const c = await g.admin.collections.create({ name: 'auth_upd', type: 'auth' });
      const [tokenKey, email] = systemIndexes(c.id, 'auth_upd');
      expect(c.indexes).toEqual([tokenKey, email]);
      expect((await g.admin.collections.update('auth_upd', { indexes: [] })).indexes).toEqual([tokenKey, email]);
      expect((await g.admin.collections.update('auth_upd', { indexes: [email] })).indexes).toEqual([email, tokenKey]);
      // Any single-column unique index on the field counts, whatever its name or collation.
      const nocase = 'CREATE UNIQUE INDEX `idx_auth_upd_email` ON `auth_upd` (`email` COLLATE NOCASE)';
      expect((await g.admin.collections.update('auth_upd', { indexes: [nocase] })).indexes).toEqual([nocase, tokenKey]);
      // A non-unique index on tokenKey does not.
      const plain = 'CREATE INDEX `idx_auth_upd_tk` ON `auth_upd` (`tokenKey`)';
      expect((await g.admin.collections.update('auth_upd', { indexes: [plain, nocase] })).indexes).toEqual([plain, nocase, tokenKey]);
    });

    it('adds them to an imported auth collection', async () => {
      const existing = (await g.admin.collections.getFullList()).map((c) => ({ ...c }));
      await g.admin.collections.import([
        ...existing,
        { id: 'imported_auth01', name: 'imported_auth', type: 'auth', fields: [{ name: 'nick', type: 'text' }], indexes: [] } as never,
      ], false);
      const c = await g.admin.collections.getOne('imported_auth');
      expect(c.indexes).toEqual(systemIndexes('imported_auth01', 'imported_auth'));
    });

    it('keeps a long collection id\'s index names within PostgreSQL\'s 63 bytes', async () => {
      const id = `long_${'x'.repeat(60)}`;
      const c = await g.admin.collections.create({ id, name: 'long_auth', type: 'auth', indexes: [] });
      expect(c.indexes).toEqual([
        `CREATE UNIQUE INDEX \`${`idx_tokenKey_${id}`.slice(0, 63)}\` ON \`long_auth\` (\`tokenKey\`)`,
        `CREATE UNIQUE INDEX \`${`idx_email_${id}`.slice(0, 63)}\` ON \`long_auth\` (\`email\`) WHERE \`email\` != ''`,
      ]);
    });
  });

  describe('record id codes', () => {
    beforeAll(async () => {
      await g.admin.collections.create({ name: 'notes', type: 'base', createRule: '', fields: [{ name: 'title', type: 'text' }] });
      // A customised id pattern that lets through characters PocketBase still refuses in ids.
      await g.admin.collections.create({
        name: 'slugs', type: 'base', createRule: '',
        fields: [
          { name: 'id', type: 'text', system: true, primaryKey: true, required: true, min: 3, max: 20, pattern: '^[^\\s]+$', autogeneratePattern: '[a-z0-9]{15}' },
          { name: 'title', type: 'text' },
        ],
      });
    });

    const idError = async (collection: string, id: string) => {
      const err = await failure(g.client().collection(collection).create({ id, title: 'x' }));
      expect(err.status).toBe(400);
      expect(err.response.message).toBe('Failed to create record.');
      return err.response.data.id;
    };

    it('reports the id field\'s length and pattern rules', async () => {
      expect(await idError('notes', 'abc')).toEqual({ code: 'validation_min_text_constraint', message: 'Must be at least 15 character(s).', params: { min: 15 } });
      expect(await idError('notes', 'abcdefghij123456')).toEqual({ code: 'validation_max_text_constraint', message: 'Must be no more than 15 character(s).', params: { max: 15 } });
      expect(await idError('notes', 'ABCDEFGHIJ12345')).toEqual({ code: 'validation_invalid_format', message: 'Invalid value format.' });
      expect(await idError('slugs', 'ab')).toMatchObject({ code: 'validation_min_text_constraint' });
      expect(await g.admin.collection('notes').getList(1, 1)).toMatchObject({ totalItems: 0 });
    });

    it('reports an existing id as the engine\'s unique violation with the default pattern', async () => {
      const rec = await g.client().collection('notes').create({ id: 'abcdefghij12345', title: 'first' });
      expect(rec.id).toBe('abcdefghij12345');
      expect(await idError('notes', 'abcdefghij12345')).toMatchObject({ code: 'validation_not_unique' });
    });

    it('checks an existing id in any case, unsafe characters and reserved names with a customised pattern', async () => {
      expect((await g.client().collection('slugs').create({ id: 'My-Slug', title: 'x' })).id).toBe('My-Slug');
      expect(await idError('slugs', 'My-Slug')).toEqual({ code: 'validation_pk_invalid', message: 'The record primary key is invalid or already exists.' });
      expect(await idError('slugs', 'my-slug')).toMatchObject({ code: 'validation_pk_invalid' });
      for (const [id, ch] of [['a/b/c', '/'], ['../up', '.'], ['a:b', ':'], ['50%', '%']])
        expect(await idError('slugs', id)).toEqual({ code: 'validation_forbidden_pk_character', message: `'${ch}' is not a valid primary key character.`, params: { ch } });
      expect(await idError('slugs', 'con')).toEqual({ code: 'validation_reserved_pk', message: "The primary key 'CON' is reserved and cannot be used.", params: { reserved: 'CON' } });
      expect(await idError('slugs', 'Lpt1')).toMatchObject({ code: 'validation_reserved_pk' });
      expect((await g.client().collection('slugs').create({ id: 'console', title: 'x' })).id).toBe('console');
    });

    it('does not validate a stored id again on update', async () => {
      const c = await g.admin.collections.create({ name: 'rules_change', type: 'base', createRule: '', fields: [{ name: 'title', type: 'text' }] });
      const rec = await g.admin.collection('rules_change').create({ id: 'abcdefghij12345', title: 'before' });
      const idField = c.fields.find((f: { name: string }) => f.name === 'id')!;
      await g.admin.collections.update('rules_change', { fields: c.fields.map((f: { name: string }) => (f === idField ? { ...f, min: 20, max: 20, autogeneratePattern: '[a-z0-9]{20}' } : f)) });
      expect((await g.admin.collection('rules_change').update(rec.id, { title: 'after' })).title).toBe('after');
      // A new record gets the new rules.
      expect(await idError('rules_change', 'abcdefghij54321')).toMatchObject({ code: 'validation_min_text_constraint' });
    });

    it('refuses an auth record id taken in another auth collection with validation_invalid_auth_id', async () => {
      await g.admin.collections.create({ name: 'staff', type: 'auth' });
      const user = await g.admin.collection('users').create({ email: 'u1@example.com', password: 'user-password', passwordConfirm: 'user-password' });
      const err = await failure(g.admin.collection('staff').create({ id: user.id, email: 'u2@example.com', password: 'user-password', passwordConfirm: 'user-password' }));
      expect(err.status).toBe(400);
      expect(err.response.data.id).toEqual({ code: 'validation_invalid_auth_id', message: 'Invalid or duplicated auth record id.' });
    });
  });

  describe('health check', () => {
    const health = async (token?: string, headers: Record<string, string> = {}) => {
      const res = await g.fetch('/api/health', { token, headers });
      expect(res.status).toBe(200);
      return res.json();
    };

    it('gives superusers canBackup, realIP and possibleProxyHeader', async () => {
      expect(await g.admin.health.check()).toEqual({
        message: 'API is healthy.', code: 200, data: { canBackup: true, realIP: '127.0.0.1', possibleProxyHeader: '' },
      });
      const token = g.admin.authStore.token;
      // Common proxy headers are reported without being trusted: the real IP stays the peer's.
      expect((await health(token, { 'X-Forwarded-For': '203.0.113.7' })).data).toEqual({ canBackup: true, realIP: '127.0.0.1', possibleProxyHeader: 'X-Forwarded-For' });
      expect((await health(token, { 'cf-connecting-ip': '203.0.113.8', 'X-Forwarded-For': '203.0.113.7' })).data.possibleProxyHeader).toBe('CF-Connecting-IP');
      expect((await health(token, { 'fly-client-ip': '203.0.113.9' })).data.possibleProxyHeader).toBe('Fly-Client-IP');
      // A trusted header comes first and gives the real IP.
      await g.admin.settings.update({ trustedProxy: { headers: ['X-Real-IP'], useLeftmostIP: false } });
      try {
        expect((await health(token, { 'x-real-ip': '198.51.100.4', 'X-Forwarded-For': '203.0.113.7' })).data).toEqual({ canBackup: true, realIP: '198.51.100.4', possibleProxyHeader: 'X-Real-IP' });
        expect((await health(token, { 'X-Forwarded-For': '203.0.113.7' })).data).toEqual({ canBackup: true, realIP: '127.0.0.1', possibleProxyHeader: 'X-Forwarded-For' });
      } finally {
        await g.admin.settings.update({ trustedProxy: { headers: [], useLeftmostIP: false } });
      }
    });

    it('gives guests and other auth records an empty data object', async () => {
      expect(await health(undefined, { 'X-Forwarded-For': '203.0.113.7' })).toEqual({ message: 'API is healthy.', code: 200, data: {} });
      expect(await health(await userToken(g, 'health@example.com'))).toEqual({ message: 'API is healthy.', code: 200, data: {} });
    });
  });
});
