/**
 * Request data in API rules through HTTP, on both engines (API spec 2.4, 2.5, 3.3, 3.4,
 * 3.7): `@request.body.*` with :isset, :changed, :length, :each and relation paths in
 * create/update rules (create rules see the would-be record, update rules the stored one),
 * `@request.query/headers/method/context`, and `@collection.*` with and without `:alias`
 * (data: test/support/rules-fixture.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestGalley } from './support/galley.js';
import { CREATE_FAILED, startRulesFixture, type RulesFixture } from './support/rules-fixture.js';

describe.each(ENGINES)('request data in API rules on %s', (engine) => {
  let g: TestGalley;
  let admin: string;
  let tok: RulesFixture['tok'];
  let id: RulesFixture['id'];
  let call: RulesFixture['call'];
  let records: RulesFixture['records'];
  let listed: RulesFixture['listed'];
  let setRules: RulesFixture['setRules'];
  let create: RulesFixture['create'];
  let patch: RulesFixture['patch'];

  beforeAll(async () => {
    ({ g, admin, tok, id, call, records, listed, setRules, create, patch } = await startRulesFixture(engine));
  });
  afterAll(() => g.close());

  describe('@request.body.* in create and update rules (2.4, 2.5, 3.4)', () => {
    const creates = async (rule: string, bodies: Record<string, unknown>[], token = tok.s1) => {
      await setRules('notes', { createRule: rule });
      const out: number[] = [];
      for (const body of bodies) {
        const r = await create('notes', token, { title: 'body test', ...body });
        if (r.status === 400) expect(r.body).toEqual(CREATE_FAILED);
        out.push(r.status);
        if (r.status === 200) await g.admin.collection('notes').delete(r.body.id);
      }
      return out;
    };

    it(':isset, plain values and numbers given as text', async () => {
      expect(await creates('@request.body.status:isset = true', [{}, { status: 'draft' }, { status: '' }])).toEqual([400, 200, 200]);
      expect(await creates('@request.body.status:isset = false', [{}, { status: 'draft' }])).toEqual([200, 400]);
      expect(await creates('@request.body.title = "ok"', [{ title: 'ok' }, { title: 'OK' }, {}])).toEqual([200, 400, 400]);
      expect(await creates('@request.body.priority > 5', [{ priority: 7 }, { priority: '7' }, { priority: 3 }, { priority: 'x' }, {}])).toEqual([200, 200, 400, 400, 400]);
      expect(await creates('@request.body.owner = @request.auth.id', [{ owner: id.s1 }, { owner: id.s2 }, {}])).toEqual([200, 400, 400]);
      expect(await creates('@request.body.nope:isset = false && @request.body.nope = null', [{}, { nope: 'x' }])).toEqual([200, 200]);
    });

    it(':length and :each on submitted lists', async () => {
      expect(await creates('@request.body.tags:length <= 2', [{ tags: ['a', 'b', 'c'] }, { tags: ['a', 'b'] }, {}, { tags: 'a' }])).toEqual([400, 200, 200, 200]);
      expect(await creates('@request.body.tags:each != "forbidden"', [{ tags: ['a', 'forbidden'] }, { tags: ['a'] }, {}, { tags: 'forbidden' }])).toEqual([400, 200, 200, 400]);
      expect(await creates('@request.body.tags:each ?= "urgent"', [{ tags: ['a', 'urgent'] }, { tags: ['a'] }, {}])).toEqual([200, 400, 400]);
      expect(await creates('@request.body.members:each ?= @request.auth.id', [{ members: [id.s2, id.s1] }, { members: [id.s2] }])).toEqual([200, 400]);
      expect(await creates('@request.body.tags:each ?= "a" && @request.body.tags:each ?= "b"', [{ tags: ['a', 'b'] }])).toEqual([400]); // one joined row
    });

    it('@request.body.<relation>.<field> reads the submitted related records (3.3)', async () => {
      expect(await creates('@request.body.team.name = "Red"', [{ team: id.red }, { team: id.blue }, {}, { team: 'nonexistent1234' }])).toEqual([200, 400, 400, 400]);
      expect(await creates('@request.body.members.role ?= "admin"', [{ members: [id.s2, id.s1] }, { members: [id.s2] }, {}])).toEqual([200, 400, 400]);
      expect(await creates('@request.body.members.role != "viewer" && @request.body.members:length > 0', [{ members: [id.s1, id.s2] }, { members: [id.s1, id.s3] }])).toEqual([200, 400]);
      expect(await creates('@request.body.owner.team.name = @request.auth.team.name', [{ owner: id.s1 }, { owner: id.s2 }], tok.s1)).toEqual([200, 400]);
      await setRules('notes', { updateRule: '@request.body.team:isset = false || @request.body.team.name = @request.auth.team.name' });
      expect((await patch('notes', 'n3', tok.s1, { team: id.red })).status).toBe(200);
      expect((await patch('notes', 'n3', tok.s1, { team: id.blue })).status).toBe(404);
      expect((await patch('notes', 'n3', tok.s1, { title: 'three' })).status).toBe(200);
      expect((await patch('notes', 'n3', tok.s2, { team: id.blue })).status).toBe(200);
      await patch('notes', 'n3', admin, { team: '' });
    });

    it('the create rule sees the would-be record: defaults, relation paths, back-relations', async () => {
      expect(await creates('status = ""  && locked = false && priority = 0 && tags:length = 0', [{}, { status: 'draft' }, { priority: 1 }])).toEqual([200, 400, 400]);
      expect(await creates('team.name = "Red"', [{ team: id.red }, { team: id.blue }, {}])).toEqual([200, 400, 400]);
      expect(await creates('owner.team = @request.auth.team', [{ owner: id.s1 }, { owner: id.s2 }], tok.s1)).toEqual([200, 400]);
      expect(await creates('members.role ?= "viewer"', [{ members: [id.s1, id.s3] }, { members: [id.s1] }])).toEqual([200, 400]);
      expect(await creates('members.role != "viewer"', [{ members: [id.s1, id.s2] }, { members: [id.s1, id.s3] }, {}])).toEqual([200, 400, 200]);
      expect(await creates('@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= team', [{ team: id.red }, { team: id.blue }])).toEqual([200, 400]);
      expect(await creates('title ~ "body" && id != ""', [{}])).toEqual([200]);
    });

    it('update rules: stored values, submitted values after modifiers, :isset and :changed', async () => {
      const updates = async (rule: string, k: string, bodies: Record<string, unknown>[], token = tok.s1) => {
        await setRules('notes', { updateRule: rule });
        const out: number[] = [];
        for (const body of bodies) out.push((await patch('notes', k, token, body)).status);
        return out;
      };
      expect(await updates('owner = @request.auth.id && @request.body.owner:isset = false', 'n3', [{ title: 'three' }, { owner: id.s1 }, { title: 'x', owner: id.s2 }])).toEqual([200, 404, 404]);
      expect(await updates('@request.body.status:changed = false', 'n1', [{ status: 'draft' }, { status: 'published' }, { title: 'one' }])).toEqual([200, 404, 200]);
      expect(await updates('@request.body.title:changed = true', 'n1', [{ title: 'one' }, { title: 'uno' }, { title: 'one' }, {}])).toEqual([404, 200, 200, 404]);
      // locked is read from the stored record, not from the submission
      expect(await updates('locked = false', 'n2', [{ locked: false, title: 'x' }])).toEqual([404]);
      expect(await updates('locked = false', 'n3', [{ locked: true }, { locked: false }])).toEqual([200, 404]);
      await patch('notes', 'n3', admin, { locked: false });
      // n1 has priority 5: the submitted value is the modifier's result
      expect(await updates('@request.body.priority:isset = false || @request.body.priority < priority', 'n1', [{ 'priority-': 1 }, { 'priority+': 1 }, { priority: 9 }, { title: 'one' }])).toEqual([200, 404, 404, 200]);
      expect((await g.admin.collection('notes').getOne(id.n1!)).priority).toBe(4);
      expect(await updates('@request.body.tags:each != "forbidden"', 'n1', [{ 'tags+': 'forbidden' }, { 'tags+': 'b' }, { tags: ['a'] }])).toEqual([404, 200, 200]);
      expect(await updates('@request.body.tags:length > 1', 'n1', [{ 'tags+': 'c' }, { 'tags-': ['a', 'c'] }])).toEqual([200, 404]);
      await patch('notes', 'n1', admin, { priority: 5, tags: ['a'] });
    });

    it('NUL characters in a submission reach the rule without a 500, then fail validation', async () => {
      await setRules('notes', { createRule: 'owner = @request.auth.id && @request.body.title != "x"', updateRule: '@request.body.meta:changed = true && @request.body.title ~ "a"' });
      for (const body of [{ title: 'a\u0000b' }, { meta: { k: 'a\u0000' } }, { tags: ['\u0000'] }, { meta: { 'k\u0000': 1 }, title: 'a' }]) {
        const created = await create('notes', tok.s1, { owner: id.s1, ...body });
        const field = Object.keys(body)[0]!;
        expect([field, created.status, created.body.data[field]?.code]).toEqual([field, 400, expect.stringMatching(/^validation_/)]);
        const updated = await patch('notes', 'n1', tok.s1, { title: 'a', meta: { x: 1 }, ...body });
        expect([field, updated.status]).toEqual([field, 400]);
      }
      expect((await g.admin.collection('notes').getOne(id.n1!)).title).toBe('one');
      await setRules('notes', { createRule: '', updateRule: '' });
    });

    it(':changed on multi-valued fields compares the submitted list with the stored one', async () => {
      await setRules('notes', { updateRule: '@request.body.members:changed = false && @request.body.tags:changed = false' });
      const status = async (body: Record<string, unknown>) => (await patch('notes', 'n1', tok.s1, body)).status;
      expect(await status({ members: [id.s1, id.s2], tags: ['a'] })).toBe(200);
      expect(await status({ title: 'one' })).toBe(200);
      expect(await status({ members: [id.s2, id.s1] })).toBe(404);
      expect(await status({ members: [id.s1] })).toBe(404);
      expect(await status({ tags: ['a', 'b'] })).toBe(404);
      expect(await status({ 'tags+': 'b' })).toBe(404);
      expect(await status({ 'tags-': 'c' })).toBe(200);
    });

    it(':changed on a json field compares the submitted value with the stored one', async () => {
      await setRules('notes', { updateRule: '@request.body.meta:changed = false' });
      const status = async (body: Record<string, unknown>) => (await patch('notes', 'n1', tok.s1, body)).status;
      expect(await status({ meta: { a: [1, 'x'] } })).toBe(200);
      expect(await status({ title: 'one' })).toBe(200);
      expect(await status({ meta: { a: [1, 'y'] } })).toBe(404);
      expect(await status({ meta: { a: [1, 'x'], b: null } })).toBe(404);
      expect(await status({ meta: null })).toBe(404);
    });
  });


  describe('@request.query, headers, method and context (3.3)', () => {
    it('@request.query.<name>', async () => {
      await setRules('notes', { listRule: '@request.query.key = "secret" && @request.query.key:isset = true' });
      expect(await listed('notes', undefined, 'key=secret')).toEqual(['n1', 'n2', 'n3']);
      expect(await listed('notes', undefined, 'key=secret&key=other')).toEqual(['n1', 'n2', 'n3']);
      for (const q of ['', 'key=other', 'KEY=secret', 'key=%27%20OR%201%3D1%20--', 'key=secret%00', 'key=%00'])
        expect([q, await listed('notes', undefined, q)]).toEqual([q, []]);
    });

    it('@request.headers.<snake_case name>', async () => {
      await setRules('notes', { listRule: '', viewRule: '@request.headers.x_token = "abc" || @request.headers.x_custom_header:lower = "yes"' });
      const view = (headers: Record<string, string>) => call('GET', `${records('notes')}/${id.n1}`, undefined, undefined, headers).then((r) => r.status);
      expect(await view({ 'X-Token': 'abc' })).toBe(200);
      expect(await view({ 'x-token': 'abc' })).toBe(200);
      expect(await view({ 'X-Custom-Header': 'YES' })).toBe(200);
      expect(await view({ 'X-Token': 'abcd' })).toBe(404);
      expect(await view({})).toBe(404);
      expect(await view({ x_token: 'abc' })).toBe(200); // an underscore name reads the same
    });

    it('@request.method and @request.context', async () => {
      await setRules('notes', { listRule: '@request.method = "GET" && @request.context = "default"', deleteRule: '@request.method = "GET"' });
      expect(await listed('notes')).toEqual(['n1', 'n2', 'n3']);
      const tmp = await g.admin.collection('notes').create({ title: 'tmp' });
      expect((await call('DELETE', `${records('notes')}/${tmp.id}`)).status).toBe(404);
      await setRules('notes', { listRule: '@request.context = "expand"', deleteRule: '@request.method = "DELETE"' });
      expect(await listed('notes')).toEqual([]);
      expect((await call('DELETE', `${records('notes')}/${tmp.id}`)).status).toBe(204);
    });
  });


  describe('@collection.* (3.3, 3.7)', () => {
    const projects = async (rule: string) => {
      await setRules('projects', { listRule: rule, viewRule: rule });
      const out: Record<string, string[]> = {};
      for (const who of ['guest', 's1', 's2', 's3']) out[who] = await listed('projects', tok[who]);
      return out;
    };

    it('a membership rule: both conditions hold on the same joined row', async () => {
      const rule = '@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= team';
      expect(await projects(rule)).toEqual({ guest: [], s1: ['pRed'], s2: ['pBlue'], s3: [] });
      expect((await call('GET', `${records('projects')}/${id.pBlue}`, tok.s1)).status).toBe(404);
      expect((await call('GET', `${records('projects')}/${id.pRed}`, tok.s1)).status).toBe(200);
    });

    it(':alias joins the collection again, independently', async () => {
      const rule = '@collection.memberships:me.user ?= @request.auth.id && @collection.memberships:any.team ?= team';
      expect(await projects(rule)).toEqual({ guest: [], s1: ['pRed', 'pBlue'], s2: ['pRed', 'pBlue'], s3: [] });
      const lead = '@collection.memberships:m.user ?= @request.auth.id && @collection.memberships:m.role ?= "lead"';
      expect(await projects(lead)).toEqual({ guest: [], s1: ['pRed', 'pBlue', 'pNone'], s2: [], s3: [] });
    });

    it('is multi-valued: plain operators must hold for every row, and an empty collection passes != ', async () => {
      expect(await projects('@collection.memberships.role = "lead"')).toEqual({ guest: [], s1: [], s2: [], s3: [] });
      expect(await projects('@collection.memberships.role != "owner" && @request.auth.id != ""')).toEqual({ guest: [], s1: ['pRed', 'pBlue', 'pNone'], s2: ['pRed', 'pBlue', 'pNone'], s3: ['pRed', 'pBlue', 'pNone'] });
      expect(await projects('@collection.nobody.name != "a"')).toEqual({ guest: ['pRed', 'pBlue', 'pNone'], s1: ['pRed', 'pBlue', 'pNone'], s2: ['pRed', 'pBlue', 'pNone'], s3: ['pRed', 'pBlue', 'pNone'] });
      expect(await projects('@collection.nobody.name ?= "a"')).toEqual({ guest: [], s1: [], s2: [], s3: [] });
      const teamsId = g.core.collections.get('teams').id;
      expect(await projects(`@collection.${teamsId}.name ?= "Red" && @collection.${teamsId}.id ?= team`)).toEqual({ guest: ['pRed'], s1: ['pRed'], s2: ['pRed'], s3: ['pRed'] });
    });
  });

});
