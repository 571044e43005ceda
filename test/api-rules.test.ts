/**
 * API rules through HTTP, on both engines (API spec 2.1, 3.3, 3.6, 3.7, 3.10): the outcome
 * of a failing rule on every route, superusers bypassing them, `@request.auth.*`, hidden
 * fields and auth emails, authRule, the default `users` rules, and rules checked on save
 * (data: test/support/rules-fixture.ts; request data in api-rules-request.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { CREATE_FAILED, NOT_FOUND, PASSWORD, SUPERUSERS_ONLY, startRulesFixture, type RulesFixture } from './support/rules-fixture.js';

describe.each(ENGINES)('API rules on %s', (engine) => {
  let g: TestGalley;
  let admin: string;
  let tok: RulesFixture['tok'];
  let id: RulesFixture['id'];
  let key: RulesFixture['key'];
  let call: RulesFixture['call'];
  let records: RulesFixture['records'];
  let listed: RulesFixture['listed'];
  let setRules: RulesFixture['setRules'];
  let create: RulesFixture['create'];
  let patch: RulesFixture['patch'];

  beforeAll(async () => {
    ({ g, admin, tok, id, key, call, records, listed, setRules, create, patch } = await startRulesFixture(engine));
  });
  afterAll(() => g.close());

  describe('outcome of a failing rule on each route (2.1)', () => {
    beforeAll(() => setRules('notes', {
      listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id', createRule: 'owner = @request.auth.id',
      updateRule: 'owner = @request.auth.id', deleteRule: 'owner = @request.auth.id',
    }));

    it('list: non-matching records are left out, totals count only the rest', async () => {
      expect(await listed('notes', tok.s1)).toEqual(['n1', 'n3']);
      expect(await listed('notes', tok.s2)).toEqual(['n2']);
      expect(await listed('notes', tok.s3)).toEqual([]);
      expect(await listed('notes')).toEqual([]);
      expect(await listed('notes', admin)).toEqual(['n1', 'n2', 'n3']);
      const paged = await call('GET', `${records('notes')}?perPage=1&page=2&sort=@rowid`, tok.s1);
      expect([paged.body.items.map((i: { id: string }) => key[i.id]), paged.body.totalItems, paged.body.totalPages]).toEqual([['n3'], 2, 2]);
      const empty = await call('GET', records('notes'));
      expect(empty).toEqual({ status: 200, body: { items: [], page: 1, perPage: 30, totalItems: 0, totalPages: 0 } });
      // a client filter narrows the rule's result, it never widens it
      expect(await listed('notes', tok.s1, `filter=${encodeURIComponent('title = "two" || title = "three"')}`)).toEqual(['n3']);
    });

    it('view: 404 when the rule fails', async () => {
      expect((await call('GET', `${records('notes')}/${id.n1}`, tok.s1)).status).toBe(200);
      for (const token of [tok.s2, tok.s3, undefined]) {
        const res = await g.fetch(`${records('notes')}/${id.n1}`, { token });
        expect(await expectErrorBody(res, 404)).toEqual(NOT_FOUND);
      }
      expect((await call('GET', `${records('notes')}/${id.n1}`, admin)).body.secret).toBe('k1');
    });

    it('update: 404 when the rule fails, and nothing changes', async () => {
      for (const token of [tok.s2, undefined]) expect(await patch('notes', 'n1', token, { title: 'hacked' })).toEqual({ status: 404, body: NOT_FOUND });
      expect((await g.admin.collection('notes').getOne(id.n1!)).title).toBe('one');
      const ok = await patch('notes', 'n1', tok.s1, { title: 'one!' });
      expect([ok.status, ok.body.title]).toEqual([200, 'one!']);
      // the rule sees the stored record: s1 may give n1 away once, and then no longer touch it
      expect((await patch('notes', 'n1', tok.s1, { owner: id.s2 })).status).toBe(200);
      expect(await patch('notes', 'n1', tok.s1, { owner: id.s1 })).toEqual({ status: 404, body: NOT_FOUND });
      expect((await patch('notes', 'n1', admin, { title: 'one', owner: id.s1 })).status).toBe(200);
    });

    it('delete: 404 when the rule fails, and the record stays', async () => {
      const tmp = await g.admin.collection('notes').create({ title: 'tmp', owner: id.s1 });
      for (const token of [tok.s2, tok.s3, undefined]) expect(await call('DELETE', `${records('notes')}/${tmp.id}`, token)).toEqual({ status: 404, body: NOT_FOUND });
      expect((await g.admin.collection('notes').getOne(tmp.id)).title).toBe('tmp');
      expect(await call('DELETE', `${records('notes')}/${tmp.id}`, tok.s1)).toEqual({ status: 204, body: null });
      expect((await failure(g.admin.collection('notes').getOne(tmp.id))).status).toBe(404);
    });

    it('create: 400 "Failed to create record." with empty data when the rule fails on the would-be record', async () => {
      const before = (await g.admin.collection('notes').getList(1, 1)).totalItems;
      for (const [token, owner] of [[tok.s1, id.s2], [tok.s2, id.s1], [undefined, id.s1], [tok.s1, '']] as const) {
        expect(await create('notes', token, { title: 'x', owner })).toEqual({ status: 400, body: CREATE_FAILED });
      }
      // the rule is decided before the fields are validated
      expect(await create('notes', tok.s2, { title: 'x', owner: id.s1, status: 'not-a-choice' })).toEqual({ status: 400, body: CREATE_FAILED });
      expect((await g.admin.collection('notes').getList(1, 1)).totalItems).toBe(before);
      const ok = await create('notes', tok.s2, { title: 'mine', owner: id.s2 });
      expect([ok.status, ok.body.owner]).toEqual([200, id.s2]);
      const invalid = await create('notes', tok.s2, { title: 'mine', owner: id.s2, status: 'not-a-choice' });
      expect([invalid.status, invalid.body.data.status?.code]).toEqual([400, 'validation_invalid_value']);
      await g.admin.collection('notes').delete(ok.body.id);
    });

    it('update and delete rules through relation paths and @collection (row locks on PostgreSQL)', async () => {
      await setRules('notes', {
        updateRule: 'owner.team.name = "Red" && members.id ?= @request.auth.id',
        deleteRule: '@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= team',
      });
      expect((await patch('notes', 'n1', tok.s2, { priority: 5 })).status).toBe(200); // owner s1 is Red, s2 a member
      expect((await patch('notes', 'n1', tok.s3, { priority: 5 })).status).toBe(404);
      expect((await patch('notes', 'n2', tok.s2, { priority: 1 })).status).toBe(404); // owner s2 is Blue
      const red = await g.admin.collection('notes').create({ title: 'red tmp', team: id.red });
      expect((await call('DELETE', `${records('notes')}/${red.id}`, tok.s2)).status).toBe(404);
      expect((await call('DELETE', `${records('notes')}/${red.id}`, tok.s1)).status).toBe(204);
      await setRules('notes', { updateRule: 'owner = @request.auth.id', deleteRule: 'owner = @request.auth.id' });
    });

    it('superusers bypass every rule', async () => {
      expect((await call('GET', `${records('notes')}/${id.n2}`, admin)).status).toBe(200);
      expect((await patch('notes', 'n2', admin, { priority: 2 })).body.priority).toBe(2);
      const rec = await create('notes', admin, { title: 'by admin', owner: id.s3 });
      expect(rec.status).toBe(200);
      expect((await call('DELETE', `${records('notes')}/${rec.body.id}`, admin)).status).toBe(204);
      await patch('notes', 'n2', admin, { priority: 1 });
    });

    it('a null rule is for superusers only (403, guests included); "" lets everyone in', async () => {
      await setRules('notes', { listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null });
      for (const token of [tok.s1, undefined]) {
        for (const r of [
          await call('GET', records('notes'), token), await call('GET', `${records('notes')}/${id.n1}`, token),
          await create('notes', token, { title: 'x' }), await patch('notes', 'n1', token, { title: 'x' }),
          await call('DELETE', `${records('notes')}/${id.n1}`, token),
        ]) expect(r).toEqual({ status: 403, body: SUPERUSERS_ONLY });
      }
      await setRules('notes', { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' });
      expect(await listed('notes')).toEqual(['n1', 'n2', 'n3']);
      const rec = await create('notes', undefined, { title: 'guest note' });
      expect(rec.status).toBe(200);
      expect((await patch('notes', 'n3', undefined, { title: 'three' })).status).toBe(200);
      expect((await call('DELETE', `${records('notes')}/${rec.body.id}`)).status).toBe(204);
    });
  });


  describe('@request.auth.* (3.3, 3.6)', () => {
    const seen = async (rule: string) => {
      await setRules('notes', { listRule: rule, viewRule: rule });
      const out: Record<string, string[]> = {};
      for (const who of ['guest', 's1', 's2', 's3']) out[who] = await listed('notes', tok[who]);
      return out;
    };

    it('is empty for guests: `@request.auth.id != ""` is false and `= ""` true', async () => {
      expect(await seen('@request.auth.id != ""')).toEqual({ guest: [], s1: ['n1', 'n2', 'n3'], s2: ['n1', 'n2', 'n3'], s3: ['n1', 'n2', 'n3'] });
      expect(await seen('@request.auth.id = ""')).toEqual({ guest: ['n1', 'n2', 'n3'], s1: [], s2: [], s3: [] });
      expect(await seen('@request.auth.role = ""')).toEqual({ guest: ['n1', 'n2', 'n3'], s1: [], s2: [], s3: [] });
      expect((await call('GET', `${records('notes')}/${id.n1}`, tok.s1)).status).toBe(404);
      expect((await call('GET', `${records('notes')}/${id.n1}`)).status).toBe(200);
    });

    it('reads other fields of the auth record and relation paths from it', async () => {
      expect(await seen('@request.auth.role = "admin"')).toEqual({ guest: [], s1: ['n1', 'n2', 'n3'], s2: [], s3: [] });
      expect(await seen('@request.auth.role != "admin"')).toEqual({ guest: ['n1', 'n2', 'n3'], s1: [], s2: ['n1', 'n2', 'n3'], s3: ['n1', 'n2', 'n3'] });
      expect(await seen('@request.auth.team.name = "Red"')).toEqual({ guest: [], s1: ['n1', 'n2', 'n3'], s2: [], s3: [] });
      expect(await seen('@request.auth.name:lower = "s2" || @request.auth.email = "s3@example.com"')).toEqual({ guest: [], s1: [], s2: ['n1', 'n2', 'n3'], s3: ['n1', 'n2', 'n3'] });
      expect(await seen('@request.auth.collectionName = "staff" && @request.auth.collectionId = "{staffId}"'.replace('{staffId}', g.core.collections.get('staff').id)))
        .toEqual({ guest: [], s1: ['n1', 'n2', 'n3'], s2: ['n1', 'n2', 'n3'], s3: ['n1', 'n2', 'n3'] });
      // record fields against auth fields; two empty values are equal (s3 has no team, n3 none either)
      expect(await seen('team = @request.auth.team')).toEqual({ guest: ['n3'], s1: ['n1'], s2: ['n2'], s3: ['n3'] });
      expect(await seen('team.name = @request.auth.team.name && team != ""')).toEqual({ guest: [], s1: ['n1'], s2: ['n2'], s3: [] });
      expect(await seen('owner.team = @request.auth.team && @request.auth.id != ""')).toEqual({ guest: [], s1: ['n1', 'n3'], s2: ['n2'], s3: [] });
    });

    it('multi-valued relations: ?= for "one of", plain = for "all of" (3.7)', async () => {
      // a guest's empty id equals the empty value of a note without members (n3)
      expect(await seen('members.id ?= @request.auth.id')).toEqual({ guest: ['n3'], s1: ['n1'], s2: ['n1', 'n2'], s3: [] });
      expect(await seen('members.id = @request.auth.id')).toEqual({ guest: ['n3'], s1: [], s2: ['n2'], s3: [] });
      expect(await seen('members.id ?= @request.auth.id && @request.auth.id != ""')).toEqual({ guest: [], s1: ['n1'], s2: ['n1', 'n2'], s3: [] });
      expect(await seen('members ~ @request.auth.id && @request.auth.id != ""')).toEqual({ guest: [], s1: ['n1'], s2: ['n1', 'n2'], s3: [] });
      expect(await seen('members:each ?= @request.auth.id || owner = @request.auth.id')).toEqual({ guest: ['n3'], s1: ['n1', 'n3'], s2: ['n1', 'n2'], s3: [] });
      expect(await seen('members.role ?= @request.auth.role')).toEqual({ guest: ['n3'], s1: ['n1'], s2: ['n1', 'n2'], s3: [] });
      expect(await seen('members.team.name ?= "Blue" && members.team.name ?= @request.auth.team.name')).toEqual({ guest: [], s1: [], s2: ['n1', 'n2'], s3: [] });
    });

    it('a token of another auth collection is a different caller', async () => {
      await g.admin.collection('users').create({ email: 'u@example.com', password: PASSWORD, passwordConfirm: PASSWORD });
      const pb = g.client();
      await pb.collection('users').authWithPassword('u@example.com', PASSWORD);
      await setRules('notes', { listRule: '@request.auth.collectionName = "staff"' });
      expect(await listed('notes', pb.authStore.token)).toEqual([]);
      expect(await listed('notes', tok.s3)).toEqual(['n1', 'n2', 'n3']);
    });

    it('may read hidden fields, which client filters may not', async () => {
      await setRules('notes', { listRule: 'secret = "k2" || secret = "k1" && @request.auth.id != ""' });
      expect(await listed('notes')).toEqual(['n2']);
      expect(await listed('notes', tok.s1)).toEqual(['n1', 'n2']);
      const r = await call('GET', records('notes'));
      expect(r.body.items[0]).not.toHaveProperty('secret');
      await expectErrorBody(await g.fetch(`${records('notes')}?filter=${encodeURIComponent('secret = "k2"')}`), 400);
      for (const f of ['owner.password != ""', 'owner.tokenKey != ""', 'members.tokenKey ?= "x"'])
        await expectErrorBody(await g.fetch(`${records('notes')}?filter=${encodeURIComponent(f)}`, { token: tok.s1 }), 400);
      expect((await call('GET', `${records('notes')}?filter=${encodeURIComponent('owner.tokenKey != ""')}`, admin)).status).toBe(200);
    });

    it('client filters on an auth email only match records whose emailVisibility is true (3.8)', async () => {
      await setRules('notes', { listRule: '' });
      await g.admin.collection('staff').update(id.s2!, { emailVisibility: true });
      try {
        const staff = (f: string, token?: string) => listed('staff', token, `filter=${encodeURIComponent(f)}`);
        for (const token of [undefined, tok.s1]) {
          expect(await staff('email = "s1@example.com"', token)).toEqual([]);
          expect(await staff('email = "s2@example.com"', token)).toEqual(['s2']);
          expect(await staff('email ~ "@example.com"', token)).toEqual(['s2']);
          expect(await staff('email != "nobody@example.com"', token)).toEqual(['s2']);
          expect(await listed('notes', token, `filter=${encodeURIComponent('owner.email ~ "s1@"')}`)).toEqual([]);
          expect(await listed('notes', token, `filter=${encodeURIComponent('owner.email ~ "s2@"')}`)).toEqual(['n2']);
        }
        expect(await staff('email ~ "@example.com"', admin)).toEqual(['s1', 's2', 's3']);
        // API rules are not limited
        await setRules('notes', { listRule: 'owner.email = "s1@example.com"' });
        expect(await listed('notes')).toEqual(['n1', 'n3']);
      } finally {
        await g.admin.collection('staff').update(id.s2!, { emailVisibility: false });
      }
    });
  });


  describe('authRule (3.10)', () => {
    beforeAll(async () => {
      await g.admin.collections.create({ name: 'gated', type: 'auth', authRule: 'verified = true', fields: [{ name: 'name', type: 'text' }] });
      for (const [email, verified, name] of [['open@good.test', true, 'ok'], ['closed@good.test', false, 'ok'], ['other@bad.test', true, 'no']] as const)
        await g.admin.collection('gated').create({ email, password: PASSWORD, passwordConfirm: PASSWORD, verified, name });
    });
    const signIn = (email: string, password = PASSWORD) =>
      call('POST', '/api/collections/gated/auth-with-password', undefined, { identity: email, password });
    const DENIED = { status: 403, message: "The request doesn't satisfy the collection requirements to authenticate.", data: {} };

    it('403 when the record fails the rule, after the credentials are checked', async () => {
      const ok = await signIn('open@good.test');
      expect([ok.status, ok.body.record.email]).toEqual([200, 'open@good.test']);
      expect(await signIn('closed@good.test')).toEqual({ status: 403, body: DENIED });
      expect((await signIn('closed@good.test', 'wrong-password')).status).toBe(400);
      await g.admin.collections.update('gated', { authRule: 'email ~ "@good.test" && name = "ok"' });
      expect((await signIn('closed@good.test')).status).toBe(200);
      expect(await signIn('other@bad.test')).toEqual({ status: 403, body: DENIED });
      await g.admin.collections.update('gated', { authRule: null });
      expect(await signIn('open@good.test')).toEqual({ status: 403, body: DENIED });
      await g.admin.collections.update('gated', { authRule: '@request.context = "password" && @request.auth.id != "" && @request.auth.name = "ok"' });
      expect((await signIn('open@good.test')).status).toBe(200);
      expect(await signIn('other@bad.test')).toEqual({ status: 403, body: DENIED });
      await g.admin.collections.update('gated', { authRule: '' });
      expect((await signIn('other@bad.test')).status).toBe(200);
    });
  });


  describe('the default users collection (id = @request.auth.id)', () => {
    it('a user signs up, signs in, and reaches only their own record', async () => {
      const ann = g.client();
      const created = await ann.collection('users').create({ email: 'ann@example.com', password: PASSWORD, passwordConfirm: PASSWORD, name: 'Ann' });
      await ann.collection('users').authWithPassword('ann@example.com', PASSWORD);
      const bob = g.client();
      await bob.collection('users').create({ email: 'bob@example.com', password: PASSWORD, passwordConfirm: PASSWORD });
      await bob.collection('users').authWithPassword('bob@example.com', PASSWORD);
      expect((await ann.collection('users').getOne(created.id)).email).toBe('ann@example.com');
      expect((await ann.collection('users').update(created.id, { name: 'Ann B' })).name).toBe('Ann B');
      expect((await ann.collection('users').getFullList()).map((u) => u.id)).toEqual([created.id]);
      const other = bob.authStore.record!.id;
      for (const p of [() => ann.collection('users').getOne(other), () => ann.collection('users').update(other, { name: 'x' }), () => ann.collection('users').delete(other)]) {
        const err = await failure(p());
        expect([err.status, err.response]).toEqual([404, NOT_FOUND]);
      }
      expect(await g.client().collection('users').getList()).toMatchObject({ items: [], totalItems: 0 });
      expect((await failure(g.client().collection('users').getOne(created.id))).status).toBe(404);
      expect(await bob.collection('users').delete(other)).toBe(true);
      expect((await g.admin.collection('users').getFullList()).map((u) => u.email)).not.toContain('bob@example.com');
    });
  });


  describe('rules are checked when a collection is saved', () => {
    const saveError = async (data: Record<string, unknown>, name?: string) => {
      const err = await failure(name ? g.admin.collections.update(name, data) : g.admin.collections.create({ name: 'ruled', type: 'base', fields: [{ name: 'title', type: 'text' }], ...data }));
      expect(err.status).toBe(400);
      return err.response.data as Record<string, { code: string; message: string }>;
    };

    it('refuses a rule that does not parse or names an unknown field, modifier or collection', async () => {
      for (const rule of ['nonsense ~~ ((', 'unknown_field = 1', 'title:upper = "x"', '@collection.missing.x = 1', 'title = ', 'title.x = 1', '@request.nope = 1', 'nofn(title) = 1']) {
        const data = await saveError({ listRule: rule });
        expect([rule, data.listRule?.code]).toEqual([rule, 'validation_invalid_rule']);
      }
      const several = await saveError({ viewRule: 'a = ', deleteRule: 'title = 1', updateRule: 'x.y = 1' });
      expect(Object.keys(several).sort()).toEqual(['updateRule', 'viewRule']);
      expect((await failure(g.admin.collections.getOne('ruled'))).status).toBe(404);
    });

    it('refuses an invalid rule on update and keeps the old one', async () => {
      await setRules('notes', { listRule: 'owner = @request.auth.id' });
      expect((await saveError({ listRule: 'ownr = @request.auth.id' }, 'notes')).listRule?.code).toBe('validation_invalid_rule');
      expect((await g.admin.collections.getOne('notes')).listRule).toBe('owner = @request.auth.id');
      expect((await saveError({ authRule: 'verified = yes' }, 'gated')).authRule?.code).toBe('validation_invalid_rule');
      expect((await saveError({ manageRule: 'nope = 1' }, 'gated')).manageRule?.code).toBe('validation_invalid_rule');
    });

    it('accepts rules over hidden fields, new fields of the same save, relations, @request and @collection', async () => {
      const notes = await g.admin.collections.getOne('notes');
      const saved = await g.admin.collections.update('notes', {
        fields: [...notes.fields, { name: 'extra', type: 'text' }],
        listRule: 'extra = "" && secret != "x" && owner.team.name ?= @collection.teams.name && @request.auth.id != "" && members:length >= 0',
      });
      expect(saved.listRule).toContain('extra = ""');
      // only notes whose owner has a team, for signed-in callers
      expect(await listed('notes', tok.s1)).toEqual(['n1', 'n2', 'n3']);
      expect(await listed('notes')).toEqual([]);
    });
  });
});
