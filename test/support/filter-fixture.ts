/**
 * The data set of the filter-language tests (posts with authors, orgs, editors, comments
 * on a real Galley) and helpers that list through HTTP and name the records returned.
 */
import { expect } from 'vitest';
import { startGalley, type Engine, type TestGalley } from './galley.js';
import { expectErrorBody } from './errors.js';
import { userToken } from './sdk.js';

/** A filter and the keys of the records it must return, in insertion order. */
export type Case = [filter: string, expected: string[]];

export interface FilterFixture {
  g: TestGalley;
  /** A signed-in `users` record (not a superuser). */
  userTok: string;
  admin(): string;
  /** key (p1, a1, ...) → record id, and back. */
  id: Record<string, string>;
  key: Record<string, string>;
  /** The keys of the records a filter (and sort) lists; "HTTP <status>: <body>" when not a 200. */
  matching(collection: string, filter: string, token?: string, sort?: string): Promise<string[]>;
  /** Runs every case and compares all of them at once, so one run shows every mismatch. */
  check(collection: string, cases: Case[], token?: string): Promise<void>;
  /** Each filter must get the error status with the standard body and empty data. */
  rejects(collection: string, filters: string[], status?: number, token?: string): Promise<void>;
}

export async function startFilterFixture(engine: Engine): Promise<FilterFixture> {
  const g = await startGalley(engine);
  const id: Record<string, string> = {};
  const key: Record<string, string> = {};
  /** Replaces {p1}-style placeholders with record ids. */
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => id[k] ?? `?${k}`);

  async function matching(collection: string, filter: string, token?: string, sort = '@rowid'): Promise<string[]> {
    const q = `perPage=500&sort=${encodeURIComponent(sort)}&filter=${encodeURIComponent(fill(filter))}`;
    const res = await g.fetch(`/api/collections/${collection}/records?${q}`, { token });
    const text = await res.text();
    if (res.status !== 200) return [`HTTP ${res.status}: ${text}`];
    const body = JSON.parse(text);
    expect([filter, body.totalItems]).toEqual([filter, body.items.length]);
    return body.items.map((i: { id: string }) => key[i.id] ?? i.id);
  }
  async function check(collection: string, cases: Case[], token?: string) {
    const actual: Case[] = [];
    for (const [filter] of cases) actual.push([filter, await matching(collection, filter, token)]);
    expect(actual).toEqual(cases);
  }
  async function rejects(collection: string, filters: string[], status = 400, token?: string) {
    for (const filter of filters) {
      const res = await g.fetch(`/api/collections/${collection}/records?filter=${encodeURIComponent(fill(filter))}`, { token });
      const body = await expectErrorBody(res, status).catch((err) => { throw new Error(`${filter}: ${err.message}`); });
      expect([filter, body.data]).toEqual([filter, {}]);
    }
  }
  async function add(k: string, collection: string, data: Record<string, unknown>) {
    const rec = await g.admin.collection(collection).create(data);
    id[k] = rec.id;
    key[rec.id] = k;
  }

  const c = g.admin.collections;
  const orgs = await c.create({ name: 'orgs', type: 'base', listRule: '', fields: [{ name: 'name', type: 'text' }] });
  const authors = await c.create({
    name: 'authors', type: 'base', listRule: '',
    fields: [
      { name: 'name', type: 'text' },
      { name: 'org', type: 'relation', collectionId: orgs.id, maxSelect: 1 },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'profile', type: 'json' },
    ],
  });
  const editors = await c.create({
    name: 'editors', type: 'base', listRule: 'visible = true || @request.auth.id != ""',
    fields: [{ name: 'name', type: 'text' }, { name: 'visible', type: 'bool' }],
  });
  const vault = await c.create({ name: 'vault', type: 'base', listRule: null, fields: [{ name: 'name', type: 'text' }] });
  const posts = await c.create({
    name: 'posts', type: 'base', listRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'body', type: 'text' },
      { name: 'views', type: 'number' },
      { name: 'published', type: 'bool' },
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
      { name: 'coauthors', type: 'relation', collectionId: authors.id, maxSelect: 5 },
      { name: 'editor', type: 'relation', collectionId: editors.id, maxSelect: 1 },
      { name: 'safe', type: 'relation', collectionId: vault.id, maxSelect: 1 },
      { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
      { name: 'kind', type: 'select', maxSelect: 1, values: ['news', 'blog'] },
      { name: 'meta', type: 'json' },
      { name: 'loc', type: 'geoPoint' },
      { name: 'pubdate', type: 'date' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    ],
  });
  await c.create({
    name: 'comments', type: 'base', listRule: '',
    fields: [{ name: 'text', type: 'text' }, { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1 }],
  });

  await add('o1', 'orgs', { name: 'Acme' });
  await add('o2', 'orgs', { name: 'Globex' });
  await add('a1', 'authors', { name: 'Alice', org: id.o1, secret: 'alice-secret', profile: { age: 40 } });
  await add('a2', 'authors', { name: 'Bob', org: id.o2, profile: { age: 20 } });
  await add('a3', 'authors', { name: 'Carol', profile: {} });
  await add('e1', 'editors', { name: 'Eve', visible: true });
  await add('e2', 'editors', { name: 'Eli', visible: false });
  await add('v1', 'vault', { name: 'gold' });
  await add('p1', 'posts', {
    title: 'Hello World', body: 'Lorem ipsum dolor', views: 10, published: true, author: id.a1, coauthors: [id.a1, id.a2],
    editor: id.e1, safe: id.v1, tags: ['a', 'b'], kind: 'news', meta: { a: { b: 1 }, list: ['x', 'y'], s: 'Str', code: 1 },
    loc: { lon: 13.4, lat: 52.52 }, pubdate: '2024-03-01 10:00:00.000Z', secret: 's1',
  });
  await add('p2', 'posts', {
    title: 'hello again', body: '100% sure_thing', views: 5, published: false, author: id.a2, coauthors: [id.a2],
    editor: id.e2, tags: ['a'], kind: 'blog', meta: { a: { b: 2 }, list: ['y'] },
    loc: { lon: 2.35, lat: 48.86 }, pubdate: '2023-12-31 23:59:59.000Z', secret: 's2',
  });
  await add('p3', 'posts', { title: 'Third', body: 'Lorem%' });
  await add('p4', 'posts', {
    title: 'Quote\'s "here"', body: 'back\\slash', views: -2.5, published: true, author: id.a3, coauthors: [id.a1],
    tags: ['b', 'c'], kind: 'news', meta: { a: { b: 3 }, list: [], code: '1' },
    loc: { lon: 13.5, lat: 52.5 }, pubdate: '2024-06-15 00:00:00.000Z',
  });
  await add('c1', 'comments', { text: 'Great post', post: id.p1 });
  await add('c2', 'comments', { text: 'meh', post: id.p1 });
  await add('c3', 'comments', { text: 'XYZ', post: id.p2 });
  const userTok = await userToken(g);
  return { g, userTok, admin: () => g.admin.authStore.token, id, key, matching, check, rejects };
}
