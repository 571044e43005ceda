/** The collections API (API spec 4.1-4.6) through the pocketbase SDK and raw HTTP, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure, fieldNames, pbCollectionId, pbFieldId, userToken } from './support/sdk.js';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const AUTH_FIELDS = ['id', 'password', 'tokenKey', 'email', 'emailVisibility', 'verified'];

/** The `id` field every base and auth collection starts with. */
const ID_FIELD = {
  id: 'text3208210256', name: 'id', type: 'text', system: true, hidden: false, presentable: false, help: '',
  primaryKey: true, required: true, min: 15, max: 15, pattern: '^[a-z0-9]+$', autogeneratePattern: '[a-z0-9]{15}',
};

/** Common keys of a non-system field as the server fills them in. */
const common = (type: string, name: string) => ({ id: pbFieldId(type, name), name, type, system: false, hidden: false, presentable: false, help: '' });

describe.each(ENGINES)('collections API on %s', (engine) => {
  let g: TestGalley;
  let userTok: string;

  beforeAll(async () => {
    g = await startGalley(engine);
    userTok = await userToken(g);
  });
  afterAll(() => g.close());

  const json = (method: string, body: unknown, token?: string): RequestInit & { token?: string } => ({
    method, token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

  describe('access', () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/collections'],
      ['GET', '/api/collections/users'],
      ['POST', '/api/collections', { name: 'sneaky', type: 'base' }],
      ['PATCH', '/api/collections/users', { listRule: '' }],
      ['DELETE', '/api/collections/users'],
      ['DELETE', '/api/collections/users/truncate'],
      ['PUT', '/api/collections/import', { collections: [{ name: 'sneaky', type: 'base' }], deleteMissing: true }],
      ['GET', '/api/collections/meta/scaffolds'],
    ];

    it.each(routes)('%s %s answers 401 without a token and 403 for a non-superuser', async (method, path, body) => {
      const init = (token?: string) => (body === undefined ? { method, token } : json(method, body, token));
      const guest = await g.fetch(path, init());
      expect(guest.status).toBe(401);
      expect(await guest.json()).toEqual({ status: 401, message: expect.stringMatching(/^[A-Z].*\.$/), data: {} });
      const user = await g.fetch(path, init(userTok));
      expect(user.status).toBe(403);
      expect(await user.json()).toEqual({ status: 403, message: expect.stringMatching(/^[A-Z].*\.$/), data: {} });
    });

    it('changed nothing while refusing those requests', async () => {
      expect(await g.fetch('/api/collections/sneaky', { token: g.admin.authStore.token }).then((r) => r.status)).toBe(404);
      const users = await g.admin.collections.getOne('users');
      expect(users.listRule).toBe('id = @request.auth.id');
      expect((await g.admin.collection('users').getList(1, 1)).totalItems).toBe(1);
    });

    it('a garbage or wrongly signed token is a guest (401), not a 500', async () => {
      const garbage = await g.fetch('/api/collections', { token: 'not-a-jwt' });
      expect(garbage.status).toBe(401);
      const forged = userTok.slice(0, userTok.lastIndexOf('.') + 1) + 'AAAA';
      expect((await g.fetch('/api/collections', { token: forged })).status).toBe(401);
    });
  });

  describe('default collections', () => {
    it('ships _superusers (pbc_3142635823) and users (_pb_users_auth_)', async () => {
      const su = await g.admin.collections.getOne('_superusers');
      expect(su).toMatchObject({
        id: 'pbc_3142635823', name: '_superusers', type: 'auth', system: true,
        listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
        authToken: { duration: 86400 },
      });
      expect(fieldNames(su)).toEqual([...AUTH_FIELDS, 'created', 'updated']);
      const users = await g.admin.collections.getOne('users');
      expect(users).toMatchObject({
        id: '_pb_users_auth_', name: 'users', type: 'auth', system: false,
        listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id', createRule: '',
        updateRule: 'id = @request.auth.id', deleteRule: 'id = @request.auth.id',
        oauth2: { mappedFields: { id: '', name: 'name', username: '', avatarURL: 'avatar' } },
      });
      expect(fieldNames(users)).toEqual([...AUTH_FIELDS, 'name', 'avatar', 'created', 'updated']);
      expect(users.fields.find((f) => f.name === 'name')).toMatchObject({ type: 'text', max: 255 });
      expect(users.fields.find((f) => f.name === 'avatar')).toMatchObject({ type: 'file', maxSelect: 1 });
    });
  });

  describe('list and view', () => {
    beforeAll(async () => {
      for (const name of ['list_b', 'list_a', 'list_c']) await g.admin.collections.create({ name, type: 'base' });
    });

    it('lists with the paging envelope, sorted by name', async () => {
      const all = await g.admin.collections.getFullList({ sort: 'name' });
      const names = all.map((c) => c.name);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(['_superusers', 'users', 'list_a', 'list_b', 'list_c']));
      const total = all.length;

      const page = await g.admin.collections.getList(2, 2, { sort: 'name' });
      expect(page).toMatchObject({ page: 2, perPage: 2, totalItems: total, totalPages: Math.ceil(total / 2) });
      expect(page.items.map((c) => c.name)).toEqual(names.slice(2, 4));

      const desc = await g.admin.collections.getList(1, 3, { sort: '-name' });
      expect(desc.items.map((c) => c.name)).toEqual([...names].reverse().slice(0, 3));
    });

    it('skipTotal answers -1 for the totals', async () => {
      const res = await g.admin.collections.getList(1, 2, { sort: 'name', skipTotal: true });
      expect(res).toMatchObject({ page: 1, perPage: 2, totalItems: -1, totalPages: -1 });
      expect(res.items).toHaveLength(2);
    });

    it('refuses an unknown sort field with a 400', async () => {
      const err = await failure(g.admin.collections.getList(1, 10, { sort: 'listRule' }));
      expect(err.status).toBe(400);
      expect(err.response.data).toEqual({});
    });

    it('never shows token secrets or OAuth2 client secrets', async () => {
      const list = await g.fetch('/api/collections?perPage=500', { token: g.admin.authStore.token });
      const text = await list.text();
      expect(text).toContain('"authToken":{"duration":');
      expect(text).not.toMatch(/"secret"|"clientSecret"/);
      for (const path of ['/api/collections/users', '/api/collections/_superusers', '/api/collections/meta/scaffolds'])
        expect(await (await g.fetch(path, { token: g.admin.authStore.token })).text()).not.toMatch(/"secret"|"clientSecret"/);
    });

    it('views by id, by name and by name in another case', async () => {
      const byName = await g.admin.collections.getOne('list_a');
      expect(byName.id).toBe(pbCollectionId('base', 'list_a'));
      expect(await g.admin.collections.getOne(byName.id)).toEqual(byName);
      expect(await g.admin.collections.getOne('LIST_A')).toEqual(byName);
    });

    it('answers 404 for an unknown collection on view, update, delete and truncate', async () => {
      for (const call of [
        () => g.admin.collections.getOne('nope'),
        () => g.admin.collections.update('nope', { listRule: '' }),
        () => g.admin.collections.delete('nope'),
        () => g.admin.collections.truncate('nope'),
      ]) {
        const err = await failure(call());
        expect(err.status).toBe(404);
        expect(err.response).toEqual({ status: 404, message: "The requested resource wasn't found.", data: {} });
      }
    });
  });

  describe('create', () => {
    it('creates a base collection with only the id field', async () => {
      const c = await g.admin.collections.create({ name: 'posts', type: 'base' });
      expect(c).toEqual({
        id: pbCollectionId('base', 'posts'), name: 'posts', type: 'base', system: false,
        listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
        fields: [ID_FIELD], indexes: [], created: expect.stringMatching(DATETIME), updated: expect.stringMatching(DATETIME),
      });
      expect(await g.admin.collections.getOne('posts')).toEqual(c);
      // its records API works straight away
      expect((await g.admin.collection('posts').create({})).id).toMatch(/^[a-z0-9]{15}$/);
    });

    it('accepts a client-chosen id and refuses a taken or malformed one', async () => {
      const c = await g.admin.collections.create({ id: 'my_own_id', name: 'own_id', type: 'base' });
      expect(c.id).toBe('my_own_id');
      const taken = await failure(g.admin.collections.create({ id: 'my_own_id', name: 'own_id2', type: 'base' }));
      expect(taken.status).toBe(400);
      expect(taken.response.data.id.code).toBe('validation_invalid_or_existing_id');
      const bad = await failure(g.admin.collections.create({ id: 'bad id!', name: 'own_id3', type: 'base' }));
      expect(Object.keys(bad.response.data)).toEqual(['id']);
    });

    it('creates an auth collection with the auth system fields, unique indexes and default options', async () => {
      const c = await g.admin.collections.create({ name: 'members', type: 'auth' });
      const id = pbCollectionId('auth', 'members');
      expect(c.id).toBe(id);
      expect(fieldNames(c)).toEqual(AUTH_FIELDS);
      expect(c.fields[0]).toEqual(ID_FIELD);
      expect(c.fields.find((f) => f.name === 'password')).toEqual({
        ...common('password', 'password'), system: true, hidden: true, required: true, min: 8, max: 0, cost: 0, pattern: '',
      });
      expect(c.fields.find((f) => f.name === 'tokenKey')).toEqual({
        ...common('text', 'tokenKey'), system: true, hidden: true, required: true,
        min: 30, max: 60, pattern: '', autogeneratePattern: '[a-zA-Z0-9]{50}', primaryKey: false,
      });
      expect(c.fields.find((f) => f.name === 'email')).toEqual({
        ...common('email', 'email'), system: true, required: true, exceptDomains: null, onlyDomains: null,
      });
      expect(c.fields.find((f) => f.name === 'emailVisibility')).toEqual({ ...common('bool', 'emailVisibility'), system: true, required: false });
      expect(c.fields.find((f) => f.name === 'verified')).toEqual({ ...common('bool', 'verified'), system: true, required: false });
      expect(c.indexes).toEqual([
        `CREATE UNIQUE INDEX \`idx_tokenKey_${id}\` ON \`members\` (\`tokenKey\`)`,
        `CREATE UNIQUE INDEX \`idx_email_${id}\` ON \`members\` (\`email\`) WHERE \`email\` != ''`,
      ]);
      expect(c).toMatchObject({
        authRule: '', manageRule: null,
        passwordAuth: { enabled: true, identityFields: ['email'] },
        mfa: { enabled: false, duration: 600, rule: '' },
        otp: { enabled: false, duration: 180, length: 8 },
        oauth2: { enabled: false, providers: [] },
        authToken: { duration: 432000 }, passwordResetToken: { duration: 1800 }, emailChangeToken: { duration: 1800 },
        verificationToken: { duration: 86400 }, fileToken: { duration: 180 },
      });
      for (const key of ['authToken', 'passwordResetToken', 'emailChangeToken', 'verificationToken', 'fileToken'])
        expect(c[key]).toEqual({ duration: expect.any(Number) });
      // the collection is usable for sign-in straight away
      await g.admin.collection('members').create({ email: 'm@example.com', password: 'member-pass-1', passwordConfirm: 'member-pass-1' });
      const pb = g.client();
      expect((await pb.collection('members').authWithPassword('m@example.com', 'member-pass-1')).record.email).toBe('m@example.com');
    });

    it('adds back auth system fields the client left out of its field list', async () => {
      const c = await g.admin.collections.create({ name: 'members2', type: 'auth', fields: [{ name: 'nickname', type: 'text' }] });
      expect(fieldNames(c)).toEqual([...AUTH_FIELDS, 'nickname']);
    });

    it('fills in and echoes the option defaults of every field type', async () => {
      const types = ['text', 'number', 'bool', 'email', 'url', 'editor', 'date', 'autodate', 'json', 'password', 'geoPoint'];
      const c = await g.admin.collections.create({
        name: 'defaults',
        fields: [
          ...types.map((type) => ({ name: `f_${type}`, type })),
          { name: 'f_select', type: 'select', values: ['x'] },
          { name: 'f_relation', type: 'relation', collectionId: 'users' },
          { name: 'f_file', type: 'file' },
        ],
      });
      const byName = Object.fromEntries(c.fields.map((f) => [f.name, f]));
      expect(byName.f_text).toEqual({ ...common('text', 'f_text'), min: 0, max: 0, pattern: '', autogeneratePattern: '', primaryKey: false, required: false });
      expect(byName.f_number).toEqual({ ...common('number', 'f_number'), min: null, max: null, onlyInt: false, required: false });
      expect(byName.f_bool).toEqual({ ...common('bool', 'f_bool'), required: false });
      expect(byName.f_email).toEqual({ ...common('email', 'f_email'), exceptDomains: null, onlyDomains: null, required: false });
      expect(byName.f_url).toEqual({ ...common('url', 'f_url'), exceptDomains: null, onlyDomains: null, required: false });
      expect(byName.f_editor).toEqual({ ...common('editor', 'f_editor'), maxSize: 0, convertURLs: false, required: false });
      expect(byName.f_date).toEqual({ ...common('date', 'f_date'), min: '', max: '', required: false });
      expect(byName.f_autodate).toEqual({ ...common('autodate', 'f_autodate'), onCreate: true, onUpdate: false });
      expect(byName.f_json).toEqual({ ...common('json', 'f_json'), maxSize: 0, required: false });
      expect(byName.f_password).toEqual({ ...common('password', 'f_password'), min: 0, max: 0, cost: 0, pattern: '', required: false });
      expect(byName.f_geoPoint).toEqual({ ...common('geoPoint', 'f_geoPoint'), required: false });
      expect(byName.f_select).toEqual({ ...common('select', 'f_select'), values: ['x'], maxSelect: 1, required: false });
      // a relation given by collection name is stored by id
      expect(byName.f_relation).toEqual({
        ...common('relation', 'f_relation'), collectionId: '_pb_users_auth_',
        cascadeDelete: false, minSelect: 0, maxSelect: 1, required: false,
      });
      expect(byName.f_file).toEqual({
        ...common('file', 'f_file'), maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false, required: false,
      });
      expect(await g.admin.collections.getOne('defaults')).toEqual(c);
    });

    it('accepts every field type with its options, echoes them and stores values', async () => {
      const fields = [
        { name: 'title', type: 'text', required: true, presentable: true, help: 'The title', min: 2, max: 20, pattern: '^[a-z ]+$', autogeneratePattern: '', primaryKey: false },
        { name: 'count', type: 'number', min: 0, max: 100, onlyInt: true, required: false },
        { name: 'flag', type: 'bool', required: false },
        { name: 'contact', type: 'email', onlyDomains: ['example.com'], exceptDomains: null, required: false },
        { name: 'site', type: 'url', exceptDomains: ['bad.example'], onlyDomains: null, required: false },
        { name: 'body', type: 'editor', maxSize: 1000, convertURLs: true, required: false },
        { name: 'due', type: 'date', min: '2020-01-01 00:00:00.000Z', max: '2030-01-01 00:00:00.000Z', required: false },
        { name: 'stamp', type: 'autodate', onCreate: true, onUpdate: true },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 2, required: false },
        { name: 'meta', type: 'json', maxSize: 2000, required: false },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', cascadeDelete: true, minSelect: 0, maxSelect: 1, required: false },
        { name: 'docs', type: 'file', maxSelect: 3, maxSize: 1024, mimeTypes: ['image/png'], thumbs: ['100x100', '0x50'], protected: true, required: false },
        { name: 'pin', type: 'password', min: 4, max: 20, cost: 5, pattern: '^\\d+$', required: false },
        { name: 'place', type: 'geoPoint', hidden: true, required: false },
      ];
      const c = await g.admin.collections.create({ name: 'everything', type: 'base', listRule: '', viewRule: '', createRule: '', fields });
      expect(fieldNames(c)).toEqual(['id', ...fields.map((f) => f.name)]);
      fields.forEach((f, i) => expect(c.fields[i + 1]).toEqual({ ...common(f.type, f.name), ...f }));

      const owner = (await g.admin.collection('users').getFullList())[0]!;
      const rec = await g.admin.collection('everything').create({
        title: 'hello world', count: 7, flag: true, contact: 'a@example.com', site: 'https://ok.example/x',
        body: '<p>hi</p>', due: '2024-05-06 07:08:09.123Z', tags: ['a', 'c'], meta: { k: [1] },
        owner: owner.id, pin: '1234', place: { lon: 10.5, lat: -20.25 },
      });
      const read = await g.admin.collection('everything').getOne(rec.id);
      expect(read).toMatchObject({
        title: 'hello world', count: 7, flag: true, contact: 'a@example.com', site: 'https://ok.example/x',
        body: '<p>hi</p>', due: '2024-05-06 07:08:09.123Z', tags: ['a', 'c'], meta: { k: [1] },
        owner: owner.id, docs: [], place: { lon: 10.5, lat: -20.25 },
      });
      expect(read.stamp).toMatch(DATETIME);
      expect(read).not.toHaveProperty('pin');

      // the options are enforced
      const err = await failure(g.admin.collection('everything').create({ title: 'UPPER', count: 1.5, contact: 'a@other.com', tags: ['a', 'b', 'c'] }));
      expect(err.response.data).toMatchObject({
        title: { code: 'validation_invalid_format' },
        count: { code: 'validation_only_int_constraint' },
        contact: { code: 'validation_email_domain_not_allowed' },
        tags: { code: 'validation_too_many_values' },
      });
    });
  });

  describe('validation', () => {
    const count = async () => (await g.admin.collections.getList(1, 1)).totalItems;

    async function createError(body: Record<string, unknown>) {
      const before = await count();
      const err = await failure(g.admin.collections.create(body));
      expect(err.status).toBe(400);
      expect(err.response.message).toBe('Failed to create collection.');
      expect(await count()).toBe(before); // nothing was created
      return err.response.data;
    }

    it('refuses a blank, malformed, too long or _via_ name', async () => {
      expect((await createError({ name: '', type: 'base' })).name.code).toBe('validation_required');
      expect((await createError({ type: 'base' })).name.code).toBe('validation_required');
      expect((await createError({ name: 'bad name', type: 'base' })).name.code).toBe('validation_match_invalid');
      expect((await createError({ name: 'bad-name', type: 'base' })).name.code).toBe('validation_match_invalid');
      expect((await createError({ name: 'x'.repeat(256), type: 'base' })).name.code).toBe('validation_length_out_of_range');
      expect((await createError({ name: 'a_via_b', type: 'base' })).name.code).toBe('validation_found_via');
    });

    it('refuses a name taken case-insensitively, or the name of an internal table', async () => {
      await g.admin.collections.create({ name: 'dupe', type: 'base' });
      expect(await createError({ name: 'DuPe', type: 'base' })).toEqual({
        name: { code: 'validation_collection_name_exists', message: 'Collection name must be unique (case insensitive).' },
      });
      expect((await createError({ name: 'USERS', type: 'auth' })).name.code).toBe('validation_collection_name_exists');
      expect((await createError({ name: '_collections', type: 'base' })).name.code).toBe('validation_collection_name_invalid');
      expect((await createError({ name: '_params', type: 'base' })).name.code).toBe('validation_collection_name_invalid');
      expect((await createError({ name: 'pbc_3142635823', type: 'base' })).name.code).toBe('validation_collection_name_id_duplicate');
    });

    it('lets only one of two concurrent creates of the same name (in another case) through', async () => {
      const results = await Promise.allSettled([
        g.admin.collections.create({ name: 'Racer', type: 'base' }),
        g.admin.collections.create({ name: 'racer', type: 'base' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason.status).toBe(400);
      expect(lost.reason.response.data.name.code).toBe('validation_collection_name_exists');
      const names = (await g.admin.collections.getFullList()).map((c) => c.name.toLowerCase());
      expect(names.filter((n) => n === 'racer')).toHaveLength(1);
    });

    it('refuses an unknown collection type, and a view without a query', async () => {
      expect((await createError({ name: 'weird', type: 'table' })).type.code).toBe('validation_in_invalid');
      expect((await createError({ name: 'aview', type: 'view' })).viewQuery.code).toBe('validation_required');
    });

    it('refuses reserved field names at data.fields.N.name', async () => {
      for (const name of ['expand', 'collectionId', 'collectionName', 'null', 'true', 'false', '_rowid_', '__proto__']) {
        const data = await createError({ name: 'reserved', fields: [{ name: 'ok', type: 'text' }, { name, type: 'text' }] });
        expect(data).toEqual({ fields: { 2: { name: { code: 'validation_not_in_invalid', message: expect.any(String) } } } });
      }
      const auth = await createError({ name: 'reserved_auth', type: 'auth', fields: [{ name: 'passwordConfirm', type: 'text' }] });
      expect(auth.fields['6'].name.code).toBe('validation_reserved_field_name');
      expect((await createError({ name: 'reserved', fields: [{ name: 'bad name', type: 'text' }] })).fields['1'].name.code).toBe('validation_match_invalid');
      expect((await createError({ name: 'reserved', fields: [{ name: '', type: 'text' }] })).fields['1'].name.code).toBe('validation_required');
    });

    it('refuses duplicate field names (case-insensitive) at data.fields.N.name', async () => {
      const data = await createError({ name: 'dups', fields: [{ name: 'title', type: 'text' }, { name: 'body', type: 'text' }, { name: 'Title', type: 'number' }] });
      expect(data).toEqual({ fields: { 3: { name: { code: 'validation_duplicated_field_name', message: expect.any(String) } } } });
      const twoIds = await createError({ name: 'dups', fields: [ID_FIELD, { name: 'ID', type: 'text' }] });
      expect(twoIds.fields['1'].name.code).toBe('validation_duplicated_field_name');
      // a client-defined id field must still be the text primary key
      const notPk = await createError({ name: 'dups', fields: [{ name: 'id', type: 'text' }] });
      expect(notPk.fields.code).toBe('validation_missing_primary_key');
    });

    it('refuses an unknown field type and bad field options', async () => {
      expect((await createError({ name: 'badtype', fields: [{ name: 'x', type: 'money' }] })).fields['1'].type.code).toBe('validation_in_invalid');
      expect((await createError({ name: 'badtype', fields: [{ name: 'x' }] })).fields['1'].type.code).toBe('validation_in_invalid');
      expect((await createError({ name: 'badopts', fields: [{ name: 's', type: 'select', values: [] }] })).fields['1'].values.code).toBe('validation_required');
      expect((await createError({ name: 'badopts', fields: [{ name: 't', type: 'text', min: 10, max: 5 }] })).fields['1'].max.code)
        .toBe('validation_min_greater_equal_than_required');
      expect((await createError({ name: 'badopts', fields: [{ name: 't', type: 'text', pattern: '(' }] })).fields['1']).toHaveProperty('pattern');
      expect((await createError({ name: 'badopts', fields: 'nope' })).fields.code).toBe('validation_invalid_value');
    });

    it('refuses a relation to a missing collection at data.fields.N.collectionId', async () => {
      const data = await createError({ name: 'norel', fields: [{ name: 'r', type: 'relation', collectionId: 'nope_missing' }] });
      expect(data).toEqual({ fields: { 1: { collectionId: { code: 'validation_field_relation_missing_collection', message: expect.any(String) } } } });
      expect((await createError({ name: 'norel', fields: [{ name: 'r', type: 'relation' }] })).fields['1'].collectionId.code).toBe('validation_required');
    });

    it('refuses bad index syntax, unknown index columns and duplicate index names at data.indexes.N', async () => {
      const bad = await createError({ name: 'badidx', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX idx_ok ON badidx (a)', 'DROP TABLE users'] });
      expect(bad).toEqual({ indexes: { 1: { code: 'validation_invalid_index_expression', message: expect.any(String) } } });
      for (const sql of ['CREATE INDEX x ON t (a', 'CREATE INDEX x ON t (a); DROP TABLE users', 'CREATE INDEX x ON t (a) WHERE a = 1; --', 'CREATE INDEX `x y` ON t (a)'])
        expect((await createError({ name: 'badidx', fields: [{ name: 'a', type: 'text' }], indexes: [sql] })).indexes['0'].code).toBe('validation_invalid_index_expression');
      const unknown = await createError({ name: 'badidx', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX idx_b ON badidx (b)'] });
      expect(unknown).toEqual({ indexes: { 0: { code: 'validation_invalid_index_column', message: expect.stringContaining('"b"') } } });
      const twice = await createError({
        name: 'badidx', fields: [{ name: 'a', type: 'text' }],
        indexes: ['CREATE INDEX idx_same ON badidx (a)', 'CREATE UNIQUE INDEX IDX_SAME ON badidx (id, a)'],
      });
      expect(twice.indexes['1'].code).toBe('validation_duplicated_index_name');
      const elsewhere = await createError({
        name: 'badidx', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX `idx_email__pb_users_auth_` ON badidx (a)'],
      });
      expect(elsewhere.indexes['0'].code).toBe('validation_existing_index_name');
    });

    it('rewrites an index naming another table to the collection\'s own table', async () => {
      const c = await g.admin.collections.create({ name: 'idx_table', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX `idx_table_a` ON `elsewhere` (`a`)'] });
      expect(c.indexes).toEqual(['CREATE INDEX `idx_table_a` ON `idx_table` (`a`)']);
    });

    it('keeps the unique tokenKey and email indexes of an auth collection (added back as PocketBase does)', async () => {
      const c = await g.admin.collections.create({ name: 'auth_idx', type: 'auth' });
      // more in pocketbase-compat.test.ts
      expect((await g.admin.collections.update('auth_idx', { indexes: [c.indexes[1]] })).indexes).toEqual([c.indexes[1], c.indexes[0]]);
      expect((await g.admin.collections.update('auth_idx', { indexes: [c.indexes[0]] })).indexes).toEqual(c.indexes);
      // a NOCASE variant of the email index is fine
      const nocase = c.indexes[1]!.replace('(`email`)', '(`email` COLLATE NOCASE)');
      expect((await g.admin.collections.update('auth_idx', { indexes: [c.indexes[0], nocase] })).indexes).toEqual([c.indexes[0], nocase]);
    });

    it('refuses a malformed body with a 400, never a 500', async () => {
      for (const body of ['{', '[]', '"x"']) {
        const res = await g.fetch('/api/collections', { method: 'POST', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(400);
        expect((await res.json()).data).toEqual({});
      }
      const weird = await g.fetch('/api/collections', json('POST', { name: 'weird_body', type: 'base', fields: [null, 1, 'x'], indexes: [1] }, g.admin.authStore.token));
      expect(weird.status).toBe(400);
      const weirdData = (await weird.json()).data;
      for (const i of ['1', '2', '3']) expect(weirdData.fields[i].code).toBe('validation_invalid_value');
      expect(weirdData.indexes['0'].code).toBe('validation_invalid_index_expression');
      const notList = await g.fetch('/api/collections/users', json('PATCH', { fields: { a: 1 }, indexes: 'x' }, g.admin.authStore.token));
      expect(notList.status).toBe(400);
      expect(Object.keys((await notList.json()).data).sort()).toEqual(['fields', 'indexes']);
      const rules = await g.fetch('/api/collections', json('POST', { name: 'weird_body', listRule: 5, type: 'base' }, g.admin.authStore.token));
      expect(rules.status).toBe(400);
      expect((await rules.json()).data.listRule.code).toBe('validation_invalid_rule');
    });
  });

  describe('system collections', () => {
    it('_superusers cannot be truncated (it would remove every superuser)', async () => {
      const err = await failure(g.admin.collections.truncate('_superusers'));
      expect(err.status).toBe(400);
      expect(err.response.data).toEqual({});
      expect((await g.admin.collection('_superusers').getFullList()).map((r) => r.email)).toContain('admin@example.com');
    });

    it('cannot be deleted', async () => {
      for (const name of ['_superusers', 'pbc_3142635823']) {
        const err = await failure(g.admin.collections.delete(name));
        expect(err.status).toBe(400);
        expect(err.response.data).toEqual({});
      }
      expect((await g.admin.collections.getOne('_superusers')).id).toBe('pbc_3142635823');
    });

    it('cannot be renamed and their rules are frozen, but other options can change', async () => {
      const rename = await failure(g.admin.collections.update('_superusers', { name: 'admins' }));
      expect(rename.status).toBe(400);
      expect(rename.response.data).toEqual({ name: { code: 'validation_collection_system_name_change', message: expect.any(String) } });
      for (const rule of ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule', 'authRule', 'manageRule']) {
        const err = await failure(g.admin.collections.update('_superusers', { [rule]: 'id != ""' }));
        expect(err.response.data[rule].code).toBe('validation_collection_system_rule_change');
      }
      const su = await g.admin.collections.getOne('_superusers');
      expect(su).toMatchObject({ name: '_superusers', listRule: null, createRule: null, authRule: '', manageRule: null });
      // repeating the current rules is no change; a token duration may change
      const ok = await g.admin.collections.update('_superusers', { listRule: null, authToken: { duration: 3600 } });
      expect(ok.authToken).toEqual({ duration: 3600 });
      // and the superuser is still signed in (its token stays valid)
      expect((await g.admin.collections.getOne('_superusers')).authToken).toEqual({ duration: 3600 });
    });

    it('system fields cannot be renamed or removed', async () => {
      const users = await g.admin.collections.getOne('users');
      const renamed = users.fields.map((f) => (f.name === 'email' ? { ...f, name: 'mail' } : f));
      const err = await failure(g.admin.collections.update('users', { fields: renamed }));
      expect(err.status).toBe(400);
      expect(err.response.data.fields).toBeDefined();
      const removed = await failure(g.admin.collections.update('users', { fields: users.fields.filter((f) => f.name !== 'verified') }));
      expect(removed.status).toBe(400);
      expect(removed.response.data.fields.code).toBe('validation_system_field_change');
      expect(fieldNames(await g.admin.collections.getOne('users'))).toEqual(fieldNames(users));
    });
  });

  describe('auth options', () => {
    it('changing authRule regenerates the token secret: existing tokens stop working', async () => {
      const tok = await userToken(g, 'rotate@example.com', 'rotate-password');
      const refresh = (token: string) => g.fetch('/api/collections/users/auth-refresh', { method: 'POST', token });
      expect((await refresh(tok)).status).toBe(200);
      await g.admin.collections.update('users', { authRule: 'verified = false' });
      await g.admin.collections.update('users', { authRule: '' });
      expect((await refresh(tok)).status).toBe(401);
      // signing in again works with the new secret
      const pb = g.client();
      await pb.collection('users').authWithPassword('rotate@example.com', 'rotate-password');
      expect((await refresh(pb.authStore.token)).status).toBe(200);
    });

    it('validates auth options and changes nothing when they are wrong', async () => {
      const before = await g.admin.collections.getOne('users');
      const cases: [Record<string, unknown>, string, string][] = [
        [{ authToken: { duration: 5 } }, 'authToken.duration', 'validation_min_greater_equal_than_required'],
        [{ fileToken: { duration: 94670857 } }, 'fileToken.duration', 'validation_max_less_equal_than_required'],
        [{ passwordResetToken: { duration: 'soon' } }, 'passwordResetToken.duration', 'validation_invalid_value'],
        [{ mfa: { enabled: true } }, 'mfa.enabled', 'validation_mfa_not_enough_auths'],
        [{ otp: { enabled: true, length: 2 } }, 'otp.length', 'validation_min_greater_equal_than_required'],
        [{ otp: { length: 'eight' } }, 'otp.length', 'validation_invalid_value'],
        [{ oauth2: { providers: 'google' } }, 'oauth2.providers', 'validation_invalid_value'],
        [{ oauth2: { mappedFields: { name: 5 } } }, 'oauth2.mappedFields', 'validation_invalid_value'],
        [{ passwordAuth: { identityFields: 'email' } }, 'passwordAuth.identityFields', 'validation_invalid_value'],
        [{ passwordAuth: { identityFields: ['name'] } }, 'passwordAuth.identityFields', 'validation_missing_unique_index'],
        [{ passwordAuth: { enabled: 'yes' } }, 'passwordAuth.enabled', 'validation_invalid_value'],
        [{ verificationTemplate: { body: '' } }, 'verificationTemplate.body', 'validation_required'],
        [{ authAlert: { emailTemplate: { subject: '' } } }, 'authAlert.emailTemplate.subject', 'validation_required'],
        [{ manageRule: '' }, 'manageRule', 'validation_invalid_rule'],
      ];
      for (const [body, path, code] of cases) {
        const err = await failure(g.admin.collections.update('users', body));
        expect(err.status, JSON.stringify(body)).toBe(400);
        expect(err.response.message).toBe('Failed to update collection.');
        const entry = path.split('.').reduce((o: Record<string, any>, k) => o?.[k], err.response.data);
        expect(entry?.code, `${JSON.stringify(body)} → ${JSON.stringify(err.response.data)}`).toBe(code);
      }
      const after = await g.admin.collections.getOne('users');
      expect({ ...after, updated: '' }).toEqual({ ...before, updated: '' });
      // MFA with a second method enabled is fine
      const mfa = await g.admin.collections.update('users', { otp: { enabled: true }, mfa: { enabled: true } });
      expect(mfa).toMatchObject({ otp: { enabled: true, length: 8 }, mfa: { enabled: true, duration: 600 } });
      await g.admin.collections.update('users', { otp: { enabled: false }, mfa: { enabled: false } });
    });

    it('merges partial option objects and never returns OAuth2 client secrets', async () => {
      const before = await g.admin.collections.getOne('users');
      const updated = await g.admin.collections.update('users', {
        authAlert: { emailTemplate: { subject: 'New sign-in' } },
        oauth2: { providers: [{ name: 'google', clientId: 'cid', clientSecret: 'very-secret-value' }] },
      });
      expect(updated.authAlert).toEqual({ enabled: true, emailTemplate: { subject: 'New sign-in', body: before.authAlert.emailTemplate.body } });
      expect(updated.oauth2.providers).toEqual([{ name: 'google', clientId: 'cid' }]);
      expect(updated.oauth2.mappedFields).toEqual(before.oauth2.mappedFields);
      const raw = await (await g.fetch('/api/collections/users', { token: g.admin.authStore.token })).text();
      expect(raw).not.toContain('very-secret-value');
      await g.admin.collections.update('users', { authAlert: before.authAlert, oauth2: { providers: [] } });
    });
  });

  it('serves scaffolds for auth, base and view collections', async () => {
    const s = await g.admin.collections.getScaffolds();
    expect(Object.keys(s).sort()).toEqual(['auth', 'base', 'view']);
    expect(s.base).toMatchObject({ id: '', name: '', type: 'base', system: false, listRule: null, indexes: [] });
    expect(s.base!.fields).toEqual([ID_FIELD]);
    expect(s.auth).toMatchObject({ id: '', name: '', type: 'auth', authRule: '', passwordAuth: { enabled: true, identityFields: ['email'] } });
    expect(fieldNames(s.auth!)).toEqual(AUTH_FIELDS);
    expect(s.auth!.indexes).toHaveLength(2);
    expect(s.auth!.authToken).toEqual({ duration: 432000 });
    expect(s.view).toMatchObject({ id: '', name: '', type: 'view', viewQuery: '', fields: [] });
  });
});
