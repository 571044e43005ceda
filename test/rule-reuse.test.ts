/**
 * Compiled rules and filters are reused between requests (src/core/filter/condition-cache.ts).
 * What must never happen is one request answered with another's compilation: these
 * tests send the same rule for different callers, request values and times in turn,
 * and change the schema under a cached filter, on both engines, through HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestGalley } from './support/galley.js';
import { startRulesFixture, type RulesFixture } from './support/rules-fixture.js';

describe.each(ENGINES)('reused rule compilations on %s', (engine) => {
  let g: TestGalley;
  let f: RulesFixture;

  beforeAll(async () => {
    f = await startRulesFixture(engine);
    g = f.g;
  });
  afterAll(() => g.close());

  it('one owner rule, callers in turn: each request is answered for its own caller', async () => {
    await f.setRules('notes', { listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id' });
    const callers = [f.tok.s1, f.tok.s2, undefined, f.tok.s1, f.tok.s3, f.admin, f.tok.s2, undefined, f.tok.s1];
    const seen = [];
    for (const token of callers) seen.push(await f.listed('notes', token));
    expect(seen).toEqual([['n1', 'n3'], ['n2'], [], ['n1', 'n3'], [], ['n1', 'n2', 'n3'], ['n2'], [], ['n1', 'n3']]);

    const view = async (token: string | undefined) => (await f.call('GET', `${f.records('notes')}/${f.id.n1}`, token)).status;
    const statuses = [];
    for (const token of [f.tok.s1, f.tok.s2, f.tok.s1, undefined, f.tok.s1]) statuses.push(await view(token));
    expect(statuses).toEqual([200, 404, 200, 404, 200]);
  });

  it('request headers and query values in turn, including a missing one', async () => {
    await f.setRules('notes', { listRule: '@request.headers.x_team = team.name' });
    const byHeader = [];
    for (const team of ['Red', 'Blue', undefined, 'Red', 'Green']) {
      byHeader.push(await f.listed('notes', f.tok.s3, '', team === undefined ? {} : { 'x-team': team }));
    }
    // No header is "" as a value, which equals the empty team of n3 (3.6).
    expect(byHeader).toEqual([['n1'], ['n2'], ['n3'], ['n1'], []]);

    await f.setRules('notes', { listRule: '@request.query.state:isset = false || status = @request.query.state' });
    const byQuery = [];
    for (const query of ['state=draft', '', 'state=published', 'state=draft', 'state=']) byQuery.push(await f.listed('notes', f.tok.s3, query));
    expect(byQuery).toEqual([['n1'], ['n1', 'n2', 'n3'], ['n2'], ['n1'], ['n3']]);
  });

  it('the clock is read for each request: a date macro is not frozen by reuse', async () => {
    await g.admin.collections.create({
      name: 'reminders', type: 'base', listRule: 'due <= @now',
      fields: [{ name: 'title', type: 'text' }, { name: 'due', type: 'date' }],
    });
    const due = new Date(Date.now() + 1500);
    const reminder = await g.admin.collection('reminders').create({ title: 'soon', due: due.toISOString().replace('T', ' ') });
    expect(await f.listed('reminders', f.tok.s1)).toEqual([]);
    expect(await f.listed('reminders', f.tok.s1)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due.getTime() - Date.now()) + 1100));
    expect(await f.listed('reminders', f.tok.s1)).toEqual([reminder.id]);
  });

  it('a change to another collection is seen by the next request with the same filter', async () => {
    await f.setRules('projects', { listRule: '' });
    const filtered = () => f.call('GET', `${f.records('projects')}?filter=${encodeURIComponent('team.name = "Red"')}`, f.tok.s1);
    expect((await filtered()).body.items.map((p: { id: string }) => p.id)).toEqual([f.id.pRed]);
    expect((await filtered()).status).toBe(200);

    const teams = await g.admin.collections.getOne('teams');
    const hide = (hidden: boolean) => g.admin.collections.update('teams', {
      fields: teams.fields.map((field: { name: string }) => (field.name === 'name' ? { ...field, hidden } : field)),
    });
    await hide(true);
    const refused = await filtered();
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^Invalid filter: .*name/);
    await hide(false);
    expect((await filtered()).body.items.map((p: { id: string }) => p.id)).toEqual([f.id.pRed]);
  });
});
