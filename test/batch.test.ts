/** `POST /api/batch` (API spec 8.1) through the SDK's createBatch(), on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure, userToken } from './support/sdk.js';
import { Inbox } from './support/realtime.js';
import { fileOf, storedKeys } from './support/files.js';

describe.each(ENGINES)('batch on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
    const authors = await g.admin.collections.create({
      name: 'authors', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'name', type: 'text', required: true }],
    });
    await g.admin.collections.create({
      name: 'books', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'title', type: 'text', required: true, max: 20 },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'private', type: 'text', hidden: true },
      ],
    });
    await g.admin.collections.create({
      name: 'members_only', type: 'base', createRule: '@request.auth.id != "" && @request.context = "batch"', listRule: '', viewRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
    await g.admin.collections.create({
      name: 'docs', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '',
      fields: [{ name: 'title', type: 'text', required: true }, { name: 'file', type: 'file', maxSelect: 1, maxSize: 1000 }],
    });
    await g.admin.settings.update({ batch: { enabled: true, maxRequests: 5 } });
  });
  afterAll(() => g?.close());

  const count = async (collection: string) => (await g.admin.collection(collection).getList(1, 1)).totalItems;

  it('is refused while batching is disabled in the settings', async () => {
    await g.admin.settings.update({ batch: { enabled: false } });
    const batch = g.client().createBatch();
    batch.collection('books').create({ title: 'x' });
    const err = await failure(batch.send());
    expect(err.status).toBe(403);
    expect(err.message).toBe('Batch requests are not allowed.');
    await g.admin.settings.update({ batch: { enabled: true } });
  });

  it('runs creates, updates, upserts and deletes in order, answering each', async () => {
    const existing = await g.admin.collection('books').create({ title: 'old' });
    const doomed = await g.admin.collection('books').create({ title: 'doomed' });
    const batch = g.client().createBatch();
    batch.collection('authors').create({ id: 'author000000001', name: 'Ursula' });
    // Refers to the author created by the request before it, in the same transaction.
    batch.collection('books').create({ title: 'Earthsea', author: 'author000000001' }, { expand: 'author', fields: 'title,expand.author.name' });
    batch.collection('books').update(existing.id, { title: 'updated' });
    batch.collection('books').upsert({ id: existing.id, title: 'upserted' });
    batch.collection('books').delete(doomed.id);
    const results = await batch.send();
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 204]);
    expect(results[0]!.body).toMatchObject({ id: 'author000000001', name: 'Ursula', collectionName: 'authors' });
    expect(results[1]!.body).toEqual({ title: 'Earthsea', expand: { author: { name: 'Ursula' } } });
    expect(results[2]!.body).toMatchObject({ id: existing.id, title: 'updated' });
    expect(results[3]!.body).toMatchObject({ id: existing.id, title: 'upserted' });
    expect(results[4]!.body).toBeNull();
    await expect(g.admin.collection('books').getOne(doomed.id)).rejects.toThrow();
    expect((await g.admin.collection('books').getOne(existing.id)).title).toBe('upserted');

    const upsert = g.client().createBatch();
    upsert.collection('books').upsert({ id: 'newbook00000001', title: 'created by upsert' });
    const [created] = await upsert.send();
    expect(created).toMatchObject({ status: 200, body: { id: 'newbook00000001', title: 'created by upsert' } });
  });

  it('rolls everything back when one request fails, naming it', async () => {
    const before = await count('books');
    const events = new Inbox();
    const listener = g.client();
    await listener.collection('books').subscribe('*', events.push);
    const batch = g.client().createBatch();
    batch.collection('books').create({ title: 'first' });
    batch.collection('books').create({ title: 'this title is far too long for the field' });
    batch.collection('books').create({ title: 'third' });
    const err = await failure(batch.send());
    expect(err.status).toBe(400);
    expect(err.message).toBe('Batch transaction failed.');
    expect(Object.keys(err.response.data.requests)).toEqual(['1']);
    const failed = err.response.data.requests['1'];
    expect(failed).toMatchObject({ code: 'batch_request_failed', message: 'Batch request failed.' });
    expect(failed.response).toMatchObject({ status: 400, data: { title: { code: 'validation_max_text_constraint' } } });
    expect(await count('books')).toBe(before);
    // Nothing was announced for the rolled-back create; a successful batch is announced after its commit.
    const ok = g.client().createBatch();
    ok.collection('books').create({ title: 'announced' });
    await ok.send();
    const [event] = await events.toHave(1);
    expect(event!.record.title).toBe('announced');
    await events.staysAt(1);
    await listener.realtime.unsubscribe();
  });

  it('applies rules with the caller auth and the batch context', async () => {
    const guest = g.client().createBatch();
    guest.collection('members_only').create({ title: 'x' });
    const err = await failure(guest.send());
    expect(err.response.data.requests['0'].response.status).toBe(400);

    const pb = g.client();
    pb.authStore.save(await userToken(g, 'member@example.com'));
    const member = pb.createBatch();
    member.collection('members_only').create({ title: 'by a member' });
    expect((await member.send())[0]!.status).toBe(200);
    // The plain route is not the batch context: the same create is refused there.
    expect((await failure(pb.collection('members_only').create({ title: 'x' }))).status).toBe(400);
    // Hidden fields stay hidden in batch answers too.
    const hidden = pb.createBatch();
    hidden.collection('books').create({ title: 'h', private: 'p' });
    expect((await hidden.send())[0]!.body).not.toHaveProperty('private');
  });

  it('reports malformed batches as invalid data', async () => {
    const post = (body: unknown) => g.fetch('/api/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let res = await post({ requests: Array.from({ length: 6 }, () => ({ method: 'POST', url: '/api/collections/books/records', body: { title: 'x' } })) });
    let body = await res.json();
    expect(res.status).toBe(400);
    expect(body.message).toBe('Invalid batch request data.');
    expect(body.data.requests.code).toBe('validation_length_too_long');
    res = await post({ requests: [{ method: 'GET', url: '' }] });
    body = await res.json();
    expect(body.data.requests['0'].method.code).toBe('validation_in_invalid');
    expect(body.data.requests['0'].url.code).toBe('validation_required');
    expect((await post({})).status).toBe(400);
    // Only record writes can be batched.
    res = await post({ requests: [{ method: 'POST', url: '/api/collections/books/auth-with-password', body: {} }] });
    body = await res.json();
    expect(body.data.requests['0'].response.status).toBe(404);
    res = await post({ requests: [{ method: 'DELETE', url: '/api/collections/nope/records/x' }] });
    expect((await res.json()).data.requests['0'].response.message).toBe('Missing collection context.');
  });

  it('stores uploaded files with the batch, and none when it rolls back', async () => {
    const docs = g.core.collections.get('docs');
    const batch = g.client().createBatch();
    batch.collection('docs').create({ title: 'with file', file: fileOf('hello batch', 'Note.txt', 'text/plain') });
    batch.collection('docs').create({ title: 'second' });
    const [first] = await batch.send();
    const record = first!.body as { id: string; file: string };
    expect(record.file).toMatch(/^note_[a-z0-9]{10}\.txt$/);
    const download = await g.fetch(`/api/files/docs/${record.id}/${record.file}`);
    expect(await download.text()).toBe('hello batch');
    expect(await storedKeys(g, docs.id, record.id)).toEqual([`${docs.id}/${record.id}/${record.file}`]);

    const before = await storedKeys(g, docs.id);
    const failing = g.client().createBatch();
    failing.collection('docs').create({ title: 'uploaded then rolled back', file: fileOf('orphan?', 'orphan.txt', 'text/plain') });
    failing.collection('docs').create({ title: '' });
    const err = await failure(failing.send());
    expect(err.response.data.requests['1'].code).toBe('batch_request_failed');
    expect(await storedKeys(g, docs.id)).toEqual(before);

    // Replacing the file in a batch deletes the old one only once the batch committed.
    const replace = g.client().createBatch();
    replace.collection('docs').update(record.id, { file: fileOf('new content', 'new.txt', 'text/plain') });
    const [updated] = await replace.send();
    const newName = (updated!.body as { file: string }).file;
    expect(await storedKeys(g, docs.id, record.id)).toEqual([`${docs.id}/${record.id}/${newName}`]);
  });

  it('honours the body size limit from the settings', async () => {
    await g.admin.settings.update({ batch: { maxBodySize: 1000 } });
    const res = await g.fetch('/api/batch', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [{ method: 'POST', url: '/api/collections/books/records', body: { title: 'x'.repeat(2000) } }] }),
    });
    expect(res.status).toBe(413);
    await g.admin.settings.update({ batch: { maxBodySize: 0 } });
  });
});
