/**
 * Two instances on one PostgreSQL database, both sending: each delivery reaches the
 * receiver exactly once (claims with FOR UPDATE SKIP LOCKED), and a webhook declared on
 * one instance is picked up by the other's writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GalleyCore } from '../src/core/galley-core.js';
import { startGalley, type TestGalley } from './support/galley.js';
import { startReceiver, type Receiver } from './support/webhook-receiver.js';

describe('webhooks with two instances on postgres', () => {
  let g: TestGalley;
  let other: GalleyCore;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    g = await startGalley('postgres');
    await g.core.webhooks.configure({ pollMs: 50 });
    other = await GalleyCore.open({ dir: g.dir, db: g.dbUrl }, 100);
    other.webhooks.start({ pollMs: 50, reloadMs: 100 });
    await g.admin.settings.update({ webhooks: { allowedPrivateTargets: ['127.0.0.1'] } });
    await g.admin.collections.create({ name: 'items', type: 'base', fields: [{ name: 'n', type: 'number' }] });
    await g.admin.send('/api/webhooks', { method: 'POST', body: { collection: 'items', events: ['create'], url: receiver.url } });
  });
  afterAll(async () => {
    await other?.close();
    await g?.close();
    await receiver?.close();
  });

  it('delivers each change once, whichever instance wrote it', async () => {
    // The other instance sees the new collection and webhook within its poll intervals.
    await expect.poll(() => other.collections.find('items') !== undefined, { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const writes = Array.from({ length: 30 }, (_, n) => (n % 2 === 0
      ? g.admin.collection('items').create({ n })
      : other.app().records.create('items', { n })));
    await Promise.all(writes);
    await receiver.waitFor((r) => r.length >= 30);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive by now
    const ns = receiver.received.map((r) => r.json.data.record.n as number).sort((a, b) => a - b);
    expect(ns).toEqual(Array.from({ length: 30 }, (_, n) => n));
  });
});
