/**
 * Realtime across two Galley processes on one PostgreSQL database: a client connected
 * to one instance receives the events of writes made through the other (LISTEN/NOTIFY),
 * large records included, and subscription requests and OAuth2 redirects reach the
 * client whichever instance receives them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { startGalley, type TestGalley } from './support/galley.js';
import { killStarted, startServe, type ServeProcess } from './support/cli.js';
import { Inbox, eventually, openSse } from './support/realtime.js';

describe('realtime across two processes on PostgreSQL', () => {
  let a: TestGalley;
  let b: ServeProcess;
  let dirB: string;
  const clientOfB = () => {
    const pb = new PocketBase(b.url);
    pb.autoCancellation(false);
    return pb;
  };
  const subscribed: PocketBase[] = [];

  beforeAll(async () => {
    a = await startGalley('postgres');
    dirB = mkdtempSync(join(tmpdir(), 'galley-b-'));
    b = await startServe(['--http', '127.0.0.1:0', '--db', a.dbUrl, '--dir', dirB]);
    const users = await a.admin.collections.getOne('users');
    await a.admin.collections.create({
      name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'body', type: 'text', max: 100_000 }],
    });
    await a.admin.collections.create({
      name: 'private', type: 'base', listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id',
      fields: [{ name: 'title', type: 'text' }, { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 }],
    });
    await a.admin.collection('users').create({ email: 'alice@example.com', password: 'alice-password', passwordConfirm: 'alice-password' });
    // The other process picks up the new collections within its schema poll interval.
    await eventually(async () => {
      expect((await fetch(`${b.url}/api/collections/private/records`)).status).toBe(200);
    }, 10_000);
  }, 60_000);
  afterAll(async () => {
    for (const pb of subscribed) await pb.realtime.unsubscribe().catch(() => {});
    killStarted();
    await a?.close();
    rmSync(dirB, { recursive: true, force: true });
  });

  it('delivers writes made on instance A to SDK subscribers on instance B, large records included', async () => {
    const pb = clientOfB();
    subscribed.push(pb);
    const inbox = new Inbox();
    await pb.collection('notes').subscribe('*', inbox.push);
    const big = 'é'.repeat(30_000); // 60 kB of UTF-8: far beyond one NOTIFY payload
    const note = await a.admin.collection('notes').create({ title: 'from A', body: big });
    await a.admin.collection('notes').delete(note.id);
    const events = await inbox.toHave(2);
    expect(events.map((e) => e.action)).toEqual(['create', 'delete']);
    expect(events[0]!.record).toMatchObject({ id: note.id, title: 'from A' });
    expect(events[0]!.record.body).toBe(big);
  });

  it('checks rules on the receiving instance with the client auth, deletes included', async () => {
    const alice = clientOfB();
    subscribed.push(alice);
    const auth = await alice.collection('users').authWithPassword('alice@example.com', 'alice-password');
    const inbox = new Inbox();
    await alice.collection('private').subscribe('*', inbox.push);
    const mine = await a.admin.collection('private').create({ title: 'mine', owner: auth.record.id });
    await a.admin.collection('private').create({ title: 'nobody' });
    await a.admin.collection('private').delete(mine.id);
    const events = await inbox.toHave(2);
    expect(events.map((e) => [e.action, e.record.title])).toEqual([['create', 'mine'], ['delete', 'mine']]);
    await inbox.staysAt(2);
  });

  it('accepts the subscription request on the instance that does not hold the connection', async () => {
    const sse = await openSse(b.url);
    const alice = a.client();
    const auth = await alice.collection('users').authWithPassword('alice@example.com', 'alice-password');
    const res = await a.fetch('/api/realtime', {
      method: 'POST', token: alice.authStore.token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: sse.clientId, subscriptions: ['private/*'] }),
    });
    expect(res.status).toBe(204);
    await a.admin.collection('private').create({ title: 'routed', owner: auth.record.id });
    await eventually(() => expect(sse.messages.length).toBe(2));
    expect(JSON.parse(sse.messages[1]!.data).record.title).toBe('routed');
    expect(sse.messages[1]!.event).toBe('private/*');

    // The auth bound through A is enforced: another auth is refused there too.
    const other = await a.fetch('/api/realtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: sse.clientId, subscriptions: [] }) });
    expect(other.status).toBe(403);
    const unknown = await a.fetch('/api/realtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: 'no-such-client', subscriptions: [] }) });
    expect(unknown.status).toBe(404);
    sse.close();
  });

  it('routes an OAuth2 redirect received by A to the popup client on B', async () => {
    const pb = clientOfB();
    subscribed.push(pb);
    const inbox = new Inbox<{ state: string; code: string }>();
    await pb.realtime.subscribe('@oauth2', inbox.push);
    const res = await a.fetch(`/api/oauth2-redirect?state=${pb.realtime.clientId}&code=abc`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-success');
    expect(await inbox.toHave(1)).toEqual([{ state: pb.realtime.clientId, code: 'abc' }]);
  });
});
