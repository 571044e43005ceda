/** Realtime (API spec 6) through the pocketbase SDK and raw SSE, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { Inbox, eventually, openSse } from './support/realtime.js';
import { failure } from './support/sdk.js';

describe.each(ENGINES)('realtime on %s', (engine) => {
  let g: TestGalley;
  let alice: PocketBase;
  let bob: PocketBase;
  const clients: PocketBase[] = [];
  const client = () => {
    const pb = g.client();
    clients.push(pb);
    return pb;
  };

  beforeAll(async () => {
    g = await startGalley(engine, { realtime: { idleTimeoutMs: 3000 } });
    await g.admin.collections.create({
      name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'secret', type: 'text', hidden: true }, { name: 'body', type: 'text' }],
    });
    const users = await g.admin.collections.getOne('users');
    await g.admin.collections.create({
      name: 'private', type: 'base',
      listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 }],
    });
    await g.admin.collections.create({
      name: 'locked', type: 'base', listRule: null, viewRule: null, createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
    const parents = await g.admin.collections.create({ name: 'parents', type: 'base', listRule: '', viewRule: '', deleteRule: '', fields: [{ name: 'name', type: 'text' }] });
    await g.admin.collections.create({
      name: 'children', type: 'base', listRule: '', viewRule: '',
      fields: [{ name: 'name', type: 'text' }, { name: 'parent', type: 'relation', collectionId: parents.id, maxSelect: 1, cascadeDelete: true }],
    });
    for (const [email, password] of [['alice@example.com', 'alice-password'], ['bob@example.com', 'bob-password']] as const)
      await g.admin.collection('users').create({ email, password, passwordConfirm: password });
    alice = client();
    await alice.collection('users').authWithPassword('alice@example.com', 'alice-password');
    bob = client();
    await bob.collection('users').authWithPassword('bob@example.com', 'bob-password');
  });
  afterAll(async () => {
    for (const pb of clients) pb.realtime.unsubscribe().catch(() => {});
    g.admin.realtime.unsubscribe().catch(() => {});
    await g?.close();
  });

  it('opens a stream with PB_CONNECT, the client id on the id line and the SSE headers', async () => {
    const sse = await openSse(g.url);
    expect(sse.res.status).toBe(200);
    expect(sse.res.headers.get('content-type')).toBe('text/event-stream');
    expect(sse.res.headers.get('cache-control')).toBe('no-store');
    expect(sse.res.headers.get('x-accel-buffering')).toBe('no');
    const first = sse.messages[0]!;
    expect(first.event).toBe('PB_CONNECT');
    expect(first.id).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(JSON.parse(first.data)).toEqual({ clientId: first.id });
    sse.close();
  });

  it('delivers create, update and delete of a collection to a "*" subscriber, after commit', async () => {
    const pb = client();
    const inbox = new Inbox();
    const unsubscribe = await pb.collection('notes').subscribe('*', inbox.push);
    const note = await g.admin.collection('notes').create({ title: 'one', secret: 's' });
    await g.admin.collection('notes').update(note.id, { title: 'two' });
    await g.admin.collection('notes').delete(note.id);
    const events = await inbox.toHave(3);
    expect(events.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
    expect(events[0]!.record).toMatchObject({ id: note.id, title: 'one', collectionName: 'notes' });
    expect(events[0]!.record).not.toHaveProperty('secret');
    expect(events[1]!.record.title).toBe('two');
    expect(events[2]!.record).toMatchObject({ id: note.id, title: 'two' });
    // A write that fails sends nothing.
    await expect(pb.collection('notes').update('missing-id-0000', { title: 'x' })).rejects.toThrow();
    await unsubscribe();
    await g.admin.collection('notes').create({ title: 'after unsubscribe' });
    await inbox.staysAt(3);
  });

  it('subscribes to one record by id, and superusers see hidden fields', async () => {
    const note = await g.admin.collection('notes').create({ title: 'watched', secret: 'hidden value' });
    const other = await g.admin.collection('notes').create({ title: 'other' });
    const inbox = new Inbox();
    await client().collection('notes').subscribe(note.id, inbox.push);
    const adminInbox = new Inbox();
    await g.admin.collection('notes').subscribe(note.id, adminInbox.push);
    await g.admin.collection('notes').update(other.id, { title: 'other 2' });
    await g.admin.collection('notes').update(note.id, { title: 'watched 2' });
    const [event] = await inbox.toHave(1);
    expect(event!.record).toMatchObject({ id: note.id, title: 'watched 2' });
    await inbox.staysAt(1);
    const [adminEvent] = await adminInbox.toHave(1);
    expect(adminEvent!.record.secret).toBe('hidden value');
  });

  it('checks the list rule for each client: owners get their records, guests and others nothing', async () => {
    const guest = new Inbox();
    const forAlice = new Inbox();
    const forBob = new Inbox();
    const forAdmin = new Inbox();
    await client().collection('private').subscribe('*', guest.push);
    await alice.collection('private').subscribe('*', forAlice.push);
    await bob.collection('private').subscribe('*', forBob.push);
    await g.admin.collection('private').subscribe('*', forAdmin.push);
    await g.admin.collection('private').create({ title: 'for alice', owner: alice.authStore.record!.id });
    await g.admin.collection('private').create({ title: 'for bob', owner: bob.authStore.record!.id });
    expect((await forAlice.toHave(1)).map((e) => e.record.title)).toEqual(['for alice']);
    expect((await forBob.toHave(1)).map((e) => e.record.title)).toEqual(['for bob']);
    expect((await forAdmin.toHave(2)).length).toBe(2);
    await forAlice.staysAt(1);
    await guest.staysAt(0);
  });

  it('sends nothing for a superusers-only rule to anyone else', async () => {
    const inbox = new Inbox();
    await alice.collection('locked').subscribe('*', inbox.push);
    const adminInbox = new Inbox();
    await g.admin.collection('locked').subscribe('*', adminInbox.push);
    await client().collection('locked').create({ title: 'x' });
    await adminInbox.toHave(1);
    await inbox.staysAt(0);
  });

  it('applies expand, fields and filter options, naming events after the exact subscription', async () => {
    const parent = await g.admin.collection('parents').create({ name: 'P' });
    const inbox = new Inbox();
    const pb = client();
    await pb.collection('children').subscribe('*', inbox.push, { expand: 'parent', fields: 'id,name,expand.parent.name', filter: 'name != "skip"' });
    await g.admin.collection('children').create({ name: 'skip', parent: parent.id });
    await g.admin.collection('children').create({ name: 'kept', parent: parent.id });
    const [event] = await inbox.toHave(1);
    expect(event!.record).toEqual({ id: expect.any(String), name: 'kept', expand: { parent: { name: 'P' } } });
    await inbox.staysAt(1);

    // The wire event name is the subscription string itself, options included.
    const sse = await openSse(g.url);
    const topic = `children/*?options=${encodeURIComponent(JSON.stringify({ query: { fields: 'name' } }))}`;
    const res = await g.fetch('/api/realtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: sse.clientId, subscriptions: [topic] }) });
    expect(res.status).toBe(204);
    await g.admin.collection('children').create({ name: 'wire', parent: parent.id });
    await eventually(() => expect(sse.messages.length).toBe(2));
    expect(sse.messages[1]).toEqual({ id: sse.clientId, event: topic, data: JSON.stringify({ action: 'create', record: { name: 'wire' } }) });
    sse.close();
  });

  it('emits delete events for cascaded deletes and update events for cleared references', async () => {
    const parent = await g.admin.collection('parents').create({ name: 'doomed' });
    const child = await g.admin.collection('children').create({ name: 'cascaded', parent: parent.id });
    const inbox = new Inbox();
    await client().collection('children').subscribe(child.id, inbox.push);
    await g.admin.collection('parents').delete(parent.id);
    // (The child's own create event may still be on its way when the subscription lands.)
    await eventually(() => expect(inbox.items.some((e) => e.action === 'delete')).toBe(true));
    expect(inbox.items.find((e) => e.action === 'delete')).toMatchObject({ action: 'delete', record: { id: child.id, name: 'cascaded' } });
  });

  it('validates subscription requests', async () => {
    const sse = await openSse(g.url);
    const post = (body: unknown, token?: string) => g.fetch('/api/realtime', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let res = await post({ clientId: 'nope', subscriptions: [] });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ status: 404, message: 'Missing or invalid client id.', data: {} });
    res = await post({ subscriptions: [] });
    expect(res.status).toBe(400);
    expect((await res.json()).data.clientId.code).toBe('validation_required');
    res = await post({ clientId: sse.clientId, subscriptions: Array.from({ length: 1001 }, (_, i) => `notes/${i}`) });
    expect(res.status).toBe(400);
    res = await post({ clientId: sse.clientId, subscriptions: ['x'.repeat(2501)] });
    expect(res.status).toBe(400);
    res = await post({ clientId: sse.clientId, subscriptions: 'notes/*' });
    expect(res.status).toBe(204);

    // Guest → alice is an upgrade; afterwards a different or missing auth is refused.
    expect((await post({ clientId: sse.clientId, subscriptions: ['notes/*'] }, alice.authStore.token)).status).toBe(204);
    res = await post({ clientId: sse.clientId, subscriptions: [] }, bob.authStore.token);
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe("The current and the previous request authorization don't match.");
    expect((await post({ clientId: sse.clientId, subscriptions: [] })).status).toBe(403);
    expect((await post({ clientId: sse.clientId, subscriptions: [] }, alice.authStore.token)).status).toBe(204);
    sse.close();
  });

  it('signs the client out when its auth record changes password (tokenKey rotation)', async () => {
    await g.admin.collection('users').create({ email: 'carol@example.com', password: 'carol-password', passwordConfirm: 'carol-password' });
    const carol = client();
    const auth = await carol.collection('users').authWithPassword('carol@example.com', 'carol-password');
    const inbox = new Inbox();
    await carol.collection('private').subscribe('*', inbox.push);
    await g.admin.collection('private').create({ title: 'before', owner: auth.record.id });
    await inbox.toHave(1);
    await g.admin.collection('users').update(auth.record.id, { password: 'carol-password-2', passwordConfirm: 'carol-password-2' });
    await g.admin.collection('private').create({ title: 'after', owner: auth.record.id });
    await inbox.staysAt(1);
  });

  it('closes idle connections', async () => {
    const sse = await openSse(g.url);
    await eventually(() => expect(sse.state.ended).toBe(true), 8000);
  });

  it('hands an OAuth2 code to the client subscribed to @oauth2 and redirects', async () => {
    const pb = client();
    const inbox = new Inbox<{ state: string; code: string; error?: string }>();
    await pb.realtime.subscribe('@oauth2', inbox.push);
    const clientId = pb.realtime.clientId;
    let res = await g.fetch(`/api/oauth2-redirect?state=${clientId}&code=the-code`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-success');
    expect(await inbox.toHave(1)).toEqual([{ state: clientId, code: 'the-code' }]);

    res = await g.fetch('/api/oauth2-redirect', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${clientId}&code=c2&error=access_denied` });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-failure');
    expect((await inbox.toHave(2))[1]).toEqual({ state: clientId, code: 'c2', error: 'access_denied' });

    res = await g.fetch('/api/oauth2-redirect?state=unknown&code=x', { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-failure');
    res = await g.fetch('/api/oauth2-redirect', { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-failure');
  });

  it('answers a subscription for a bad client id through the SDK error shape', async () => {
    const err = await failure(g.client().send('/api/realtime', { method: 'POST', body: { clientId: 'x'.repeat(256) } }));
    expect(err.status).toBe(400);
  });
});
