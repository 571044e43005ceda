/** Relation expansion (API spec 2.6) through the SDK, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';

describe.each(ENGINES)('expand on %s', (engine) => {
  let g: TestGalley;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    g = await startGalley(engine);
    const orgs = await g.admin.collections.create({
      name: 'orgs', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }],
    });
    const authors = await g.admin.collections.create({
      name: 'authors', type: 'base', listRule: '', viewRule: 'hidden = false',
      fields: [{ name: 'name', type: 'text' }, { name: 'hidden', type: 'bool' }, { name: 'org', type: 'relation', collectionId: orgs.id, maxSelect: 1 }],
    });
    const secrets = await g.admin.collections.create({
      name: 'secrets', type: 'base', listRule: null, viewRule: null, fields: [{ name: 'code', type: 'text' }],
    });
    const posts = await g.admin.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'coauthors', type: 'relation', collectionId: authors.id, maxSelect: 5 },
        { name: 'secret', type: 'relation', collectionId: secrets.id, maxSelect: 1 },
      ],
    });
    await g.admin.collections.create({
      name: 'comments', type: 'base', listRule: '', viewRule: '',
      fields: [{ name: 'text', type: 'text' }, { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1 }],
    });
    ids.org = (await g.admin.collection('orgs').create({ name: 'Acme' })).id;
    ids.ann = (await g.admin.collection('authors').create({ name: 'Ann', org: ids.org })).id;
    ids.bob = (await g.admin.collection('authors').create({ name: 'Bob' })).id;
    ids.ghost = (await g.admin.collection('authors').create({ name: 'Ghost', hidden: true })).id;
    ids.secret = (await g.admin.collection('secrets').create({ code: 'xyz' })).id;
    ids.p1 = (await g.admin.collection('posts').create({ title: 'One', author: ids.ann, coauthors: [ids.bob, ids.ann, ids.ghost], secret: ids.secret })).id;
    ids.p2 = (await g.admin.collection('posts').create({ title: 'Two', author: ids.ghost })).id;
    for (const text of ['first', 'second']) await g.admin.collection('comments').create({ text, post: ids.p1 });
  });
  afterAll(() => g.close());

  it('expands a single relation to an object and a multiple one to an array, in stored order', async () => {
    const post = await g.client().collection('posts').getOne(ids.p1, { expand: 'author,coauthors' });
    expect(post.expand?.author).toMatchObject({ id: ids.ann, name: 'Ann', collectionName: 'authors' });
    // Ghost fails the authors view rule and is left out silently.
    expect(post.expand?.coauthors.map((a: { id: string }) => a.id)).toEqual([ids.bob, ids.ann]);
  });

  it('nests expansions and reaches into them with fields=', async () => {
    const post = await g.client().collection('posts').getOne(ids.p1, { expand: 'author.org', fields: 'id,expand.author.name,expand.author.expand.org.name' });
    expect(post).toEqual({ id: ids.p1, expand: { author: { name: 'Ann', expand: { org: { name: 'Acme' } } } } });
  });

  it('expands back-relations as arrays', async () => {
    const post = await g.client().collection('posts').getOne(ids.p1, { expand: 'comments_via_post' });
    expect(post.expand?.comments_via_post.map((c: { text: string }) => c.text).sort()).toEqual(['first', 'second']);
    const lonely = await g.client().collection('posts').getOne(ids.p2, { expand: 'comments_via_post' });
    expect(lonely.expand).toEqual({ comments_via_post: [] });
  });

  it('omits relations whose view rule fails or is null for the caller, but not for superusers', async () => {
    const asGuest = await g.client().collection('posts').getOne(ids.p2, { expand: 'author,secret' });
    expect(asGuest.expand).toEqual({});
    const p1 = await g.client().collection('posts').getOne(ids.p1, { expand: 'secret' });
    expect(p1.expand).toEqual({});
    const asAdmin = await g.admin.collection('posts').getOne(ids.p1, { expand: 'secret' });
    expect(asAdmin.expand?.secret).toMatchObject({ code: 'xyz' });
  });

  it('has no expand key unless asked, and ignores unknown names', async () => {
    const plain = await g.client().collection('posts').getOne(ids.p1);
    expect(plain).not.toHaveProperty('expand');
    const unknown = await g.client().collection('posts').getOne(ids.p1, { expand: 'nope,title' });
    expect(unknown.expand).toEqual({});
  });

  it('expands every item of a list', async () => {
    const list = await g.client().collection('posts').getList(1, 10, { expand: 'author' });
    const byTitle = Object.fromEntries(list.items.map((p) => [p.title, p.expand]));
    expect(byTitle.One?.author?.name).toBe('Ann');
    expect(byTitle.Two).toEqual({});
  });

  it('expands on create and update responses', async () => {
    const pb = g.client();
    const created = await pb.collection('posts').create({ title: 'Three', author: ids.bob }, { expand: 'author' });
    expect(created.expand?.author?.name).toBe('Bob');
    const updated = await pb.collection('posts').update(created.id, { author: ids.ann }, { expand: 'author.org' });
    expect(updated.expand?.author?.expand?.org?.name).toBe('Acme');
  });
});
