/** View collections (API spec 4.1): a read-only collection defined by a SELECT, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/sdk.js';

describe.each(ENGINES)('view collections on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'views', type: 'number' }, { name: 'draft', type: 'bool' }, { name: 'secret', type: 'text', hidden: true }],
    });
    for (const [title, views, draft] of [['a', 5, false], ['b', 15, false], ['c', 25, true]] as const)
      await g.admin.collection('posts').create({ title, views, draft, secret: 's' });
  });
  afterAll(() => g.close());

  it('derives fields from the query and serves records with list/view rules', async () => {
    const view = await g.admin.collections.create({
      name: 'popular', type: 'view', listRule: '', viewRule: '',
      viewQuery: 'SELECT id, title, views FROM posts WHERE views > 10',
    });
    expect(view.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([['id', 'text'], ['title', 'text'], ['views', 'number']]);
    const list = await g.client().collection('popular').getList(1, 10, { sort: '-views' });
    expect(list.items.map((r) => r.title)).toEqual(['c', 'b']);
    expect(list.totalItems).toBe(2);
    const one = await g.client().collection('popular').getOne(list.items[0]!.id);
    expect(one).toMatchObject({ collectionName: 'popular', title: 'c', views: 25 });
    const filtered = await g.client().collection('popular').getList(1, 10, { filter: 'views < 20' });
    expect(filtered.items.map((r) => r.title)).toEqual(['b']);
  });

  it('applies view and list rules written against the derived fields', async () => {
    await g.admin.collections.create({
      name: 'published', type: 'view', listRule: 'draft = false', viewRule: null,
      viewQuery: 'SELECT id, title, draft FROM posts',
    });
    const list = await g.client().collection('published').getFullList({ sort: 'title' });
    expect(list.map((r) => r.title)).toEqual(['a', 'b']);
    const err = await failure(g.client().collection('published').getOne(list[0]!.id));
    expect(err.status).toBe(403);
  });

  it('gives expression columns a type', async () => {
    const view = await g.admin.collections.create({
      name: 'stats', type: 'view', listRule: '', viewRule: '',
      viewQuery: engine === 'sqlite'
        ? "SELECT 'all' AS id, COUNT(*) AS total FROM posts"
        : "SELECT 'all'::text AS id, COUNT(*) AS total FROM posts",
    });
    expect(view.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'total']);
    const stats = await g.client().collection('stats').getOne('all');
    expect(stats.total).toBe(3);
  });

  it('is read-only', async () => {
    const rec = (await g.client().collection('popular').getList(1, 1)).items[0]!;
    for (const attempt of [
      () => g.admin.collection('popular').create({ title: 'x' }),
      () => g.admin.collection('popular').update(rec.id, { title: 'x' }),
      () => g.admin.collection('popular').delete(rec.id),
    ]) {
      const err = await failure(attempt());
      expect(err.status).toBe(400);
      expect(err.response.message).toBe('Unsupported collection type.');
    }
    const ruled = await failure(g.admin.collections.create({ name: 'bad', type: 'view', createRule: '', viewQuery: 'SELECT id FROM posts' }));
    expect(ruled.response.data.createRule.code).toBe('validation_nil');
  });

  it('refuses invalid queries with a field error and saves nothing', async () => {
    for (const viewQuery of ['SELECT nope FROM posts', 'DELETE FROM posts', 'SELECT id FROM posts; DROP TABLE posts', 'SELECT title FROM posts', 'SELECT id, data FROM "_collections"']) {
      const err = await failure(g.admin.collections.create({ name: 'broken', type: 'view', viewQuery }));
      expect(err.status).toBe(400);
      expect(Object.keys(err.response.data)).toContain('viewQuery');
    }
    expect((await g.admin.collection('posts').getFullList()).length).toBe(3);
    expect((await g.admin.collections.getFullList()).map((c) => c.name)).not.toContain('broken');
  });

  it('updates the query and re-derives the fields', async () => {
    const updated = await g.admin.collections.update('popular', { viewQuery: 'SELECT id, title FROM posts' });
    expect(updated.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'title']);
    expect((await g.client().collection('popular').getList(1, 10)).totalItems).toBe(3);
  });

  it('protects a view from changes to what it reads, and can be deleted', async () => {
    const posts = await g.admin.collections.getOne('posts');
    const err = await failure(g.admin.collections.update('posts', { fields: posts.fields.filter((f: { name: string }) => f.name !== 'title') }));
    expect(err.status).toBe(400);
    expect((await g.admin.collections.getOne('posts')).fields.map((f: { name: string }) => f.name)).toContain('title');
    for (const name of ['popular', 'published', 'stats']) await g.admin.collections.delete(name);
    await expect(g.admin.collections.getOne('popular')).rejects.toMatchObject({ status: 404 });
  });
});
