/**
 * HTTP validators on record and collection reads (src/api/http-cache.ts): a weak ETag,
 * `If-None-Match` → 304 while nothing the answer depends on changed, per caller, and
 * invalidated by writes through the API, to a joined collection, to the schema and
 * (PostgreSQL) through another instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';
import { ENGINES, startGalley, type Engine, type TestGalley } from './support/galley.js';

const PASSWORD = 'etag-password-1';

describe.each(ENGINES)('HTTP validators on %s', (engine: Engine) => {
  let g: TestGalley;
  let authorId: string;
  let superToken: string;

  beforeAll(async () => {
    g = await startGalley(engine);
    superToken = g.admin.authStore.token;
    const authors = await g.admin.collections.create({ name: 'authors', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'active', type: 'bool' }] });
    await g.admin.collections.create({
      name: 'posts', type: 'base', listRule: 'author.active = true', viewRule: '', createRule: '', updateRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 }],
    });
    const users = await g.admin.collections.getOne('users');
    await g.admin.collections.create({
      name: 'notes', type: 'base', listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id',
      fields: [{ name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 }, { name: 'text', type: 'text' }],
    });
    authorId = (await g.admin.collection('authors').create({ active: true })).id;
  });
  afterAll(() => g?.close());

  const get = (path: string, etag?: string, token?: string) =>
    g.fetch(path, { headers: etag ? { 'If-None-Match': etag } : {}, ...(token ? { token } : {}) });

  it('a record view answers 304 to its ETag until the record changes', async () => {
    const post = await g.client().collection('posts').create({ title: 'one', author: authorId });
    const first = await get(`/api/collections/posts/records/${post.id}`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('vary')).toContain('Authorization');

    const again = await get(`/api/collections/posts/records/${post.id}`, etag);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);

    await g.client().collection('posts').update(post.id, { title: 'changed' });
    const after = await get(`/api/collections/posts/records/${post.id}`, etag);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { title: string }).title).toBe('changed');
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('a list answers 304 until a record is created or a joined collection changes', async () => {
    const path = '/api/collections/posts/records?perPage=5';
    const etag = (await get(path)).headers.get('etag')!;
    expect((await get(path, etag)).status).toBe(304);
    expect((await get(`${path}&page=2`, etag)).status).toBe(200); // another URL, another answer

    await g.client().collection('posts').create({ title: 'two', author: authorId });
    const afterCreate = await get(path, etag);
    expect(afterCreate.status).toBe(200);
    const etag2 = afterCreate.headers.get('etag')!;
    expect((await get(path, etag2)).status).toBe(304);

    await g.admin.collection('authors').update(authorId, { active: false });
    const afterJoin = await get(path, etag2);
    expect(afterJoin.status).toBe(200);
    expect(((await afterJoin.json()) as { totalItems: number }).totalItems).toBe(0);
  });

  it('an answer for one caller is never validated for another', async () => {
    const tokens = await Promise.all(['etag-a', 'etag-b'].map(async (name) => {
      const rec = await g.admin.collection('users').create({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD });
      await g.admin.collection('notes').create({ owner: rec.id, text: name });
      const pb = g.client();
      await pb.collection('users').authWithPassword(`${name}@example.com`, PASSWORD);
      return pb.authStore.token;
    }));
    const path = '/api/collections/notes/records';
    const forA = await get(path, undefined, tokens[0]);
    const etagA = forA.headers.get('etag')!;
    expect((await get(path, etagA, tokens[0])).status).toBe(304);
    const forB = await get(path, etagA, tokens[1]);
    expect(forB.status).toBe(200);
    expect(((await forB.json()) as { items: { text: string }[] }).items.map((n) => n.text)).toEqual(['etag-b']);
    expect((await get(path, etagA)).status).toBe(200); // a guest
  });

  it('a collection read answers 304 until the schema changes', async () => {
    const path = '/api/collections/posts';
    const first = await get(path, undefined, superToken);
    const etag = first.headers.get('etag')!;
    expect((await get(path, etag, superToken)).status).toBe(304);
    const posts = await g.admin.collections.getOne('posts');
    await g.admin.collections.update('posts', { fields: [...posts.fields, { name: 'extra', type: 'text' }] });
    const after = await get(path, etag, superToken);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { fields: { name: string }[] }).fields.map((f) => f.name)).toContain('extra');
  });
});

describe('HTTP validators across two instances on PostgreSQL', () => {
  let a: TestGalley;
  let bUrl: string;
  let closeB: () => Promise<void>;

  beforeAll(async () => {
    a = await startGalley('postgres');
    const core = await GalleyCore.open({ dir: a.dir, db: a.dbUrl });
    const app = await buildApp(core);
    await app.listen({ host: '127.0.0.1', port: 0 });
    bUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    closeB = async () => { await app.close(); await core.close(); };
    await a.admin.collections.create({ name: 'items', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'n', type: 'number' }] });
    for (let i = 0; i < 100 && (await fetch(`${bUrl}/api/collections/items/records`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await closeB?.();
    await a?.close();
  });

  it('an ETag from one instance validates on the other, and a write through either ends it', async () => {
    const path = '/api/collections/items/records';
    const fromA = await fetch(a.url + path);
    const etag = fromA.headers.get('etag')!;
    expect((await fetch(bUrl + path, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const pb = new PocketBase(a.url);
    await pb.collection('items').create({ n: 1 });
    const onB = await fetch(bUrl + path, { headers: { 'If-None-Match': etag } });
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { totalItems: number }).totalItems).toBe(1);
  });
});
