/** Records CRUD through the pocketbase SDK, on both engines (API spec 2.2-2.8). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './support/sdk.js';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';

describe.each(ENGINES)('records CRUD on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'title', type: 'text', required: true, max: 50 },
        { name: 'views', type: 'number' },
        { name: 'published', type: 'bool' },
        { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
        { name: 'meta', type: 'json' },
        { name: 'secret', type: 'text', hidden: true },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
      ],
    });
  });
  afterAll(() => g.close());

  it('creates a record with 200 and the record JSON shape', async () => {
    const pb = g.client();
    const rec = await pb.collection('posts').create({ title: 'Hello', views: 3, published: true, tags: ['a', 'b'], meta: { k: [1, 2] } });
    expect(rec.id).toMatch(/^[a-z0-9]{15}$/);
    expect(rec.collectionName).toBe('posts');
    expect(rec.collectionId).toBe(g.core.collections.get('posts').id);
    expect(rec).toMatchObject({ title: 'Hello', views: 3, published: true, tags: ['a', 'b'], meta: { k: [1, 2] } });
    expect(rec.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(rec.created).toBe(rec.updated);
    expect(rec).not.toHaveProperty('secret');
    const raw = await g.fetch('/api/collections/posts/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' });
    expect(raw.status).toBe(200);
  });

  it('serialises empty values by type', async () => {
    const rec = await g.client().collection('posts').create({ title: 'Empty' });
    expect(rec).toMatchObject({ views: 0, published: false, tags: [], meta: null });
  });

  it('hides hidden fields from everyone but superusers', async () => {
    const created = await g.admin.collection('posts').create({ title: 'Hidden', secret: 's3' });
    expect(created.secret).toBe('s3');
    const asGuest = await g.client().collection('posts').getOne(created.id);
    expect(asGuest).not.toHaveProperty('secret');
    // a guest cannot write a hidden field either
    const guestWrite = await g.client().collection('posts').update(created.id, { secret: 'changed' });
    expect(guestWrite).not.toHaveProperty('secret');
    expect((await g.admin.collection('posts').getOne(created.id)).secret).toBe('s3');
  });

  it('reports field validation errors with PocketBase codes and writes nothing', async () => {
    const before = (await g.admin.collection('posts').getList(1, 1)).totalItems;
    const err = await failure(g.client().collection('posts').create({ title: '', tags: ['zzz'] }));
    expect(err.status).toBe(400);
    expect(err.response.message).toBe('Failed to create record.');
    expect(err.response.data.title.code).toBe('validation_required');
    expect(err.response.data.tags.code).toBe('validation_invalid_value');
    const long = await failure(g.client().collection('posts').create({ title: 'x'.repeat(51) }));
    expect(long.response.data.title).toMatchObject({ code: 'validation_max_text_constraint', params: { max: 50 } });
    expect((await g.admin.collection('posts').getList(1, 1)).totalItems).toBe(before);
  });

  it('views a record and answers 404 for a missing one', async () => {
    const rec = await g.client().collection('posts').create({ title: 'View me' });
    expect((await g.client().collection('posts').getOne(rec.id)).title).toBe('View me');
    const err = await failure(g.client().collection('posts').getOne('doesnotexist123'));
    expect(err.status).toBe(404);
    expect(err.response).toEqual({ status: 404, message: "The requested resource wasn't found.", data: {} });
  });

  it('updates partially and bumps only onUpdate autodates', async () => {
    const rec = await g.client().collection('posts').create({ title: 'Before', views: 1 });
    await new Promise((r) => setTimeout(r, 5));
    const upd = await g.client().collection('posts').update(rec.id, { title: 'After' });
    expect(upd.title).toBe('After');
    expect(upd.views).toBe(1);
    expect(upd.created).toBe(rec.created);
    expect(upd.updated > rec.updated).toBe(true);
  });

  it('applies number and list modifiers', async () => {
    const rec = await g.client().collection('posts').create({ title: 'Mods', views: 10, tags: ['b'] });
    const upd = await g.client().collection('posts').update(rec.id, { 'views+': 5, 'tags+': 'c', '+tags': 'a' });
    expect(upd.views).toBe(15);
    expect(upd.tags).toEqual(['a', 'b', 'c']);
    const upd2 = await g.client().collection('posts').update(rec.id, { 'views-': 20, 'tags-': ['a', 'c'] });
    expect(upd2.views).toBe(-5);
    expect(upd2.tags).toEqual(['b']);
  });

  it('does not lose concurrent increments', async () => {
    const rec = await g.client().collection('posts').create({ title: 'Counter', views: 0 });
    const pb = g.client();
    await Promise.all(Array.from({ length: 20 }, () => pb.collection('posts').update(rec.id, { 'views+': 1 })));
    expect((await pb.collection('posts').getOne(rec.id)).views).toBe(20);
  });

  it('deletes with 204 and then 404s', async () => {
    const rec = await g.client().collection('posts').create({ title: 'Bye' });
    const res = await g.fetch(`/api/collections/posts/records/${rec.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const again = await g.fetch(`/api/collections/posts/records/${rec.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('accepts a client id and refuses invalid or duplicate ones', async () => {
    const rec = await g.client().collection('posts').create({ id: 'abcdefghij12345', title: 'Mine' });
    expect(rec.id).toBe('abcdefghij12345');
    const dup = await failure(g.client().collection('posts').create({ id: 'abcdefghij12345', title: 'Again' }));
    expect(dup.response.data.id.code).toBe('validation_not_unique');
    const bad = await failure(g.client().collection('posts').create({ id: 'BAD/ID', title: 'Bad' }));
    expect(bad.response.data.id.code).toBe('validation_min_text_constraint');
    const change = await failure(g.client().collection('posts').update(rec.id, { id: 'zzzzzzzzzzzzzzz' }));
    expect(change.response.data.id.code).toBe('validation_pk_change');
  });

  it('answers 404 "Missing collection context." for an unknown collection', async () => {
    const res = await g.fetch('/api/collections/nope/records');
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe('Missing collection context.');
  });
});
