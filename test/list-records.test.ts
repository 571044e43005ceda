/** Listing records: paging, totals, sorting, access and projection (API spec 2.1, 2.2, 1.6). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';

const TOTAL = 45;
const LIST = '/api/collections/items/records';
const HTML = '<h1>Hello</h1><p>world, <b>this</b> is <script>alert(1)</script>long text</p>';

interface Item { id: string; title: string; rank: number; grp: number }

describe.each(ENGINES)('listing records on %s', (engine) => {
  let g: TestGalley;
  let user: PocketBase;
  const created: Item[] = [];

  const list = async (query: string, token?: string) => {
    const res = await g.fetch(`${LIST}?${query}`, { token });
    expect([query, res.status]).toEqual([query, 200]);
    return res.json();
  };
  const ids = (items: { id: string }[]) => items.map((i) => i.id);

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({
      name: 'items', type: 'base', listRule: '', viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'rank', type: 'number' },
        { name: 'grp', type: 'number' },
        { name: 'body', type: 'editor' },
        { name: 'secret', type: 'text', hidden: true },
      ],
    });
    await g.admin.collections.create({ name: 'locked', type: 'base', listRule: null, viewRule: null, fields: [{ name: 'title', type: 'text' }] });
    await g.admin.collections.create({ name: 'empty', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] });
    await g.admin.collections.create({ name: 'articles', type: 'base', viewRule: '', fields: [{ name: 'content', type: 'editor' }] });
    await g.admin.collection('locked').create({ title: 'only for superusers' });
    // Created one by one so that creation order is known; ranks repeat so ties need the fallback order.
    for (let i = 0; i < TOTAL; i++) {
      const rec = await g.admin.collection('items').create({
        title: `item-${String(i).padStart(2, '0')}`, rank: (i * 7) % 10, grp: i % 3, body: HTML, secret: `s${(i * 13) % TOTAL}`,
      });
      created.push({ id: rec.id, title: rec.title, rank: rec.rank, grp: rec.grp });
    }
    await g.admin.collection('users').create({ email: 'reader@example.com', password: 'reader-password', passwordConfirm: 'reader-password' });
    user = g.client();
    await user.collection('users').authWithPassword('reader@example.com', 'reader-password');
  });
  afterAll(() => g.close());

  describe('paging envelope', () => {
    it('defaults to page 1 of 30 with totals, in PocketBase key order', async () => {
      const body = await list('');
      expect(Object.keys(body)).toEqual(['items', 'page', 'perPage', 'totalItems', 'totalPages']);
      expect(body).toMatchObject({ page: 1, perPage: 30, totalItems: TOTAL, totalPages: 2 });
      expect(ids(body.items)).toEqual(ids(created.slice(0, 30)));
    });

    it('serves later pages and empty pages past the end', async () => {
      const p2 = await list('page=2');
      expect(ids(p2.items)).toEqual(ids(created.slice(30)));
      expect(p2).toMatchObject({ page: 2, perPage: 30, totalItems: TOTAL, totalPages: 2 });
      const p9 = await list('page=9&perPage=10');
      expect(p9).toEqual({ items: [], page: 9, perPage: 10, totalItems: TOTAL, totalPages: 5 });
      // far past any offset the database can take, but within int64: an empty page
      for (const page of ['9007199254740993', '9223372036854775807']) {
        const res = await g.fetch(`${LIST}?page=${page}&perPage=1000`);
        expect([page, res.status]).toEqual([page, 200]);
        expect((await res.json()).items).toEqual([]);
      }
      // beyond int64, as PocketBase: a 400
      for (const page of ['99999999999999999999', '9223372036854775808']) {
        const res = await g.fetch(`${LIST}?page=${page}&perPage=1000`);
        expect([page, res.status]).toEqual([page, 400]);
      }
    });

    it('clamps perPage to 1000 and treats page/perPage <= 0 as the defaults', async () => {
      expect(await list('perPage=5000')).toMatchObject({ perPage: 1000, totalPages: 1 });
      expect((await list('perPage=5000')).items).toHaveLength(TOTAL);
      expect(await list('perPage=0')).toMatchObject({ page: 1, perPage: 30 });
      expect(await list('perPage=-4')).toMatchObject({ perPage: 30 });
      expect(await list('page=0&perPage=7')).toMatchObject({ page: 1, perPage: 7, totalPages: 7 });
      expect(ids((await list('page=-3&perPage=7')).items)).toEqual(ids(created.slice(0, 7)));
    });

    it('refuses non-integer page and perPage with a 400', async () => {
      for (const q of ['page=abc', 'page=1.5', 'page=2x', 'perPage=ten', 'perPage=1e2']) {
        const body = await expectErrorBody(await g.fetch(`${LIST}?${q}`), 400);
        expect([q, body.data]).toEqual([q, {}]);
      }
    });

    it('answers an empty collection with zero totals', async () => {
      expect(await g.client().collection('empty').getList(1, 10)).toEqual({ items: [], page: 1, perPage: 10, totalItems: 0, totalPages: 0 });
    });
  });

  describe('skipTotal', () => {
    it('returns -1 totals when set, and counts otherwise', async () => {
      for (const v of ['1', 'true', 't', 'TRUE']) {
        const body = await list(`skipTotal=${v}&perPage=4&page=2`);
        expect([v, body.totalItems, body.totalPages, ids(body.items)]).toEqual([v, -1, -1, ids(created.slice(4, 8))]);
      }
      for (const v of ['0', 'false', 'f']) expect(await list(`skipTotal=${v}&perPage=4`)).toMatchObject({ totalItems: TOTAL, totalPages: 12 });
    });

    it('refuses an invalid skipTotal with a 400', async () => {
      for (const v of ['yes', '2', 'maybe']) await expectErrorBody(await g.fetch(`${LIST}?skipTotal=${v}`), 400);
    });
  });

  describe('order', () => {
    it('pages without a sort in stable insertion order (getFullList)', async () => {
      const all = await g.client().collection('items').getFullList({ batch: 7 });
      expect(ids(all)).toEqual(ids(created));
    });

    it('sorts ascending, descending and by several terms, ties in insertion order', async () => {
      const byRank = [...created].sort((a, b) => a.rank - b.rank);
      expect(ids((await list('sort=rank&perPage=100')).items)).toEqual(ids(byRank));
      expect(ids((await list('sort=%2Brank&perPage=100')).items)).toEqual(ids(byRank));
      const byRankDesc = [...created].sort((a, b) => b.rank - a.rank);
      expect(ids((await list('sort=-rank&perPage=100')).items)).toEqual(ids(byRankDesc));
      const multi = [...created].sort((a, b) => a.grp - b.grp || b.rank - a.rank || (a.title < b.title ? 1 : -1));
      expect(ids((await list(`sort=${encodeURIComponent('grp, -rank ,-title')}&perPage=100`)).items)).toEqual(ids(multi));
    });

    it('accepts @rowid, -@rowid and @random', async () => {
      expect(ids((await list('sort=@rowid&perPage=100')).items)).toEqual(ids(created));
      expect(ids((await list('sort=-@rowid&perPage=100')).items)).toEqual(ids(created).reverse());
      const random = await list('sort=@random&perPage=100');
      expect(ids(random.items).sort()).toEqual(ids(created).sort());
      expect(random.totalItems).toBe(TOTAL);
    });

    it('refuses unknown fields and, for non-superusers, hidden fields', async () => {
      for (const sort of ['nope', '-nope', 'title,nope', 'secret', '"title"', '1']) {
        const body = await expectErrorBody(await g.fetch(`${LIST}?sort=${encodeURIComponent(sort)}`), 400);
        expect([sort, body.data]).toEqual([sort, {}]);
      }
      await expectErrorBody(await g.fetch(`${LIST}?sort=secret`, { token: user.authStore.token }), 400);
      const asAdmin = await g.admin.collection('items').getList(1, 3, { sort: '-secret' });
      expect(asAdmin.items.map((i) => i.secret)).toEqual(['s9', 's8', 's7']);
    });

    it('allows at most 8 sort terms', async () => {
      const terms = ['title', 'rank', 'grp', 'id', '-title', '-rank', '-grp', '@rowid'];
      expect((await list(`sort=${terms.join(',')}`)).totalItems).toBe(TOTAL);
      await expectErrorBody(await g.fetch(`${LIST}?sort=${[...terms, 'body'].join(',')}`), 400);
    });
  });

  describe('access', () => {
    it('forbids non-superusers to mention @request. or @collection. in filter or sort', async () => {
      const cases: [string, string][] = [
        ['filter=' + encodeURIComponent('@request.auth.id != ""'), 'Only superusers can filter by @request.'],
        ['filter=' + encodeURIComponent('title = "@request.x"'), 'Only superusers can filter by @request.'],
        ['sort=' + encodeURIComponent('@request.auth.id'), 'Only superusers can filter by @request.'],
        ['filter=' + encodeURIComponent('@collection.items.title = "x"'), 'Only superusers can filter by @collection.'],
      ];
      for (const [q, message] of cases) {
        for (const token of [undefined, user.authStore.token]) {
          const body = await expectErrorBody(await g.fetch(`${LIST}?${q}`, { token }), 403);
          expect([q, body]).toEqual([q, { status: 403, message, data: {} }]);
        }
      }
    });

    it('locks a null listRule / viewRule to superusers, guests included (403, not 401)', async () => {
      const denied = { status: 403, message: 'Only superusers can perform this action.', data: {} };
      for (const token of [undefined, user.authStore.token]) {
        expect(await expectErrorBody(await g.fetch('/api/collections/locked/records', { token }), 403)).toEqual(denied);
      }
      const all = await g.admin.collection('locked').getList();
      expect(all.items.map((i) => i.title)).toEqual(['only for superusers']);
      const err = await failure(user.collection('locked').getOne(all.items[0]!.id));
      expect(err.status).toBe(403);
      expect(err.response).toEqual(denied);
    });
  });

  describe('fields projection', () => {
    it('projects each list item, not the envelope', async () => {
      const body = await list('fields=id,title&perPage=2');
      expect(body).toEqual({
        items: created.slice(0, 2).map((c) => ({ id: c.id, title: c.title })),
        page: 1, perPage: 2, totalItems: TOTAL, totalPages: 23,
      });
      const unknown = await list('fields=title,doesNotExist&perPage=1');
      expect(unknown.items).toEqual([{ title: created[0]!.title }]);
    });

    it('"*" keeps every key', async () => {
      const plain = await list('perPage=3');
      expect(await list('fields=*&perPage=3')).toEqual(plain);
    });

    it('turns an editor field into a plain-text excerpt', async () => {
      const body = await list(`perPage=1&fields=${encodeURIComponent('id,body:excerpt(10,true)')}`);
      expect(body.items).toEqual([{ id: created[0]!.id, body: 'Hello worl...' }]);
      const rec = await g.client().collection('items').getOne(created[1]!.id, { fields: '*,body:excerpt(100)' });
      expect(rec.body).toBe('Hello world, this is long text');
      expect(rec).toMatchObject({ id: created[1]!.id, title: created[1]!.title, collectionName: 'items' });
      const short = await g.client().collection('items').getOne(created[1]!.id, { fields: 'body:excerpt(5,false)' });
      expect(short).toEqual({ body: 'Hello' });
    });

    it('keeps the text as written: no upper-cased headings, link URLs or list bullets', async () => {
      const html = '<h2>Intro</h2><p>See <a href="https://x.test/docs">the docs</a>.</p><ul><li>one</li><li>two</li></ul>'
        + '<table><tr><th>Name</th></tr><tr><td>Ann</td></tr></table><blockquote>quoted</blockquote>';
      const rec = await g.admin.collection('articles').create({ content: html });
      const projected = await g.client().collection('articles').getOne(rec.id, { fields: 'content:excerpt(200)' });
      expect(projected).toEqual({ content: 'Intro See the docs. one two Name Ann quoted' });
    });

    it('answers an invalid modifier with a 400 error body', async () => {
      for (const fields of ['body:excerpt(0)', 'body:excerpt()', 'title:upper']) {
        const body = await expectErrorBody(await g.fetch(`${LIST}?fields=${encodeURIComponent(fields)}`), 400);
        expect([fields, body.data]).toEqual([fields, {}]);
      }
    });

    it('projects a single record', async () => {
      const rec = await g.client().collection('items').getOne(created[2]!.id, { fields: 'rank,grp' });
      expect(rec).toEqual({ rank: created[2]!.rank, grp: created[2]!.grp });
    });
  });
});
