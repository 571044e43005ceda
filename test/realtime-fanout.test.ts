/**
 * Realtime fan-out between two instances on PostgreSQL (issue 18, point 5): committed
 * changes are published to the other instances only while some instance has a client
 * that could want them, and a client that subscribes on B while A writes in a tight
 * loop receives every event committed after its subscription was acknowledged (the
 * race analysis is in docs/realtime.md). The heartbeat and warm-up times are shortened.
 * (PostgreSQL only: one SQLite database is never shared by several instances.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import PocketBase from 'pocketbase';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';
import type { PubSub } from '../src/pubsub/pubsub.js';
import { startGalley, type TestGalley } from './support/galley.js';
import { Inbox, eventually } from './support/realtime.js';

const interest = { heartbeatMs: 200, peerTtlMs: 1500, warmupMs: 700, ackTimeoutMs: 1000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance { url: string; client(): PocketBase; close(): Promise<void> }

/**
 * Interest announcements reach this instance late, as over a slow or busy link: the
 * acknowledgement protocol, not luck in timing, must keep the events of a new
 * subscription from being lost.
 */
function slowInterest(pubsub: PubSub, delayMs: number): void {
  const subscribe = pubsub.subscribe.bind(pubsub);
  pubsub.subscribe = (handler) => subscribe((message) => {
    if (message.startsWith('{"t":"interest"')) setTimeout(() => handler(message), delayMs);
    else handler(message);
  });
}

/** An instance on the database, with the short interest timing. */
async function startInstance(dbUrl: string, interestDelayMs = 0): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'galley-fanout-'));
  const core = await GalleyCore.open({ dir, db: dbUrl }, 100);
  if (interestDelayMs > 0) slowInterest(core.pubsub, interestDelayMs);
  const app = await buildApp(core, { realtime: { interest } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    client: () => {
      const pb = new PocketBase(url);
      pb.autoCancellation(false);
      return pb;
    },
    close: async () => { await app.close(); await core.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

describe('realtime fan-out between two instances (PostgreSQL)', () => {
  /** Sets up the database and collections. */
  let setup: TestGalley;
  /** The writer (it hears of new interest 150 ms late) and the instance the subscribers use. */
  let a: Instance;
  let b: Instance;
  let listener: pg.Client;
  /** Record-change notifications seen on the channel, per collection id. */
  const published = new Map<string, number>();
  const clients: PocketBase[] = [];
  const clientOfB = () => {
    const pb = new PocketBase(b.url);
    pb.autoCancellation(false);
    clients.push(pb);
    return pb;
  };

  beforeAll(async () => {
    setup = await startGalley('postgres', { realtime: { interest } });
    a = await startInstance(setup.dbUrl, 150);
    b = await startInstance(setup.dbUrl);
    // The test listens on the instances' channel, as one more instance would.
    listener = new pg.Client({ connectionString: setup.dbUrl });
    await listener.connect();
    listener.on('notification', (n) => {
      const body = /^[^:]+:\d+:\d+:(.*)$/s.exec(n.payload ?? '')?.[1] ?? '';
      const m = /^\{"t":"change","a":"[a-z]+","c":"([^"]+)"/.exec(body);
      if (m) published.set(m[1]!, (published.get(m[1]!) ?? 0) + 1);
    });
    await listener.query('LISTEN galley_events');
    const open = { listRule: '', viewRule: '', createRule: '' };
    for (const name of ['notes', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'])
      await setup.admin.collections.create({ name, type: 'base', ...open, fields: [{ name: 'n', type: 'number' }] });
    await eventually(async () => expect((await fetch(`${b.url}/api/collections/c7/records`)).status).toBe(200));
    await sleep(interest.warmupMs + 100); // past the start-up period in which everything is published
  });
  afterAll(async () => {
    for (const pb of clients) await pb.realtime.unsubscribe().catch(() => {});
    await listener?.end();
    await b?.close();
    await a?.close();
    await setup?.close();
  });

  it('publishes changes only while a client of another instance could want them', async () => {
    const notes = (await setup.admin.collections.getOne('notes')).id;
    const writer = a.client();
    const creates = async (count: number) => { for (let i = 0; i < count; i++) await writer.collection('notes').create({ n: i }); };

    await creates(20);
    await sleep(100);
    expect(published.get(notes) ?? 0).toBe(0);

    const pb = clientOfB();
    const inbox = new Inbox();
    await pb.collection('notes').subscribe('*', inbox.push);
    await creates(5);
    await inbox.toHave(5);
    expect(published.get(notes)).toBe(5);

    // Once the client is gone and B's next heartbeat said so, nothing is published again.
    await pb.collection('notes').unsubscribe();
    await sleep(interest.heartbeatMs * 3);
    await creates(10);
    await sleep(100);
    expect(published.get(notes)).toBe(5);
  });

  it('delivers every event committed after the subscription was acknowledged, while A writes in a tight loop', async () => {
    const writing = { on: true };
    /** Per collection, the records whose create request was sent after the subscription was acknowledged there. */
    const acknowledgedAt = new Map<string, number>();
    const mustArrive = new Map<string, string[]>();
    const writers = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map(async (name) => {
      const writer = a.client();
      for (let i = 0; writing.on; i++) {
        const sentAt = performance.now();
        const rec = await writer.collection(name).create({ n: i });
        const ack = acknowledgedAt.get(name);
        if (ack !== undefined && sentAt > ack) mustArrive.get(name)!.push(rec.id);
      }
    });
    const inboxes = new Map<string, Inbox>();
    for (const name of ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']) {
      await sleep(150);
      const inbox = new Inbox();
      inboxes.set(name, inbox);
      mustArrive.set(name, []);
      await clientOfB().collection(name).subscribe('*', inbox.push);
      acknowledgedAt.set(name, performance.now());
    }
    await sleep(300);
    writing.on = false;
    await Promise.all(writers);
    for (const [name, ids] of mustArrive) {
      expect(ids.length, name).toBeGreaterThan(0);
      const inbox = inboxes.get(name)!;
      await eventually(() => {
        const received = new Set(inbox.items.map((e) => e.record.id));
        expect(ids.filter((id) => !received.has(id)), name).toEqual([]);
      });
    }
  });
});
