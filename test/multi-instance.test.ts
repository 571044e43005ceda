/**
 * Two Galley instances on one PostgreSQL database: a schema change made through one
 * is served by the other (no restart), and records written through one are read by
 * the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';
import { startGalley, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestGalley } from './support/galley.js';

describe('two instances on one PostgreSQL database', () => {
  let a: TestGalley;
  let b: { core: GalleyCore; close(): Promise<void>; pb: PocketBase };

  beforeAll(async () => {
    a = await startGalley('postgres');
    const core = await GalleyCore.open({ dir: a.dir, db: a.dbUrl }, 100);
    const app = await buildApp(core);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const pb = new PocketBase(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    pb.autoCancellation(false);
    await pb.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    b = { core, pb, close: async () => { await app.close(); await core.close(); } };
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const eventually = async (check: () => Promise<void>) => {
    for (let i = 0; ; i++) {
      try {
        return await check();
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  it('serves a collection created on the other instance, with its later changes', async () => {
    await a.admin.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }] });
    await eventually(async () => {
      expect((await b.pb.collections.getOne('notes')).name).toBe('notes');
    });
    const note = await b.pb.collection('notes').create({ title: 'from b' });
    expect((await a.client().collection('notes').getOne(note.id)).title).toBe('from b');

    const notes = await a.admin.collections.getOne('notes');
    await a.admin.collections.update('notes', { fields: [...notes.fields, { name: 'body', type: 'text' }] });
    await eventually(async () => {
      const rec = await b.pb.collection('notes').create({ title: 'with body', body: 'hello' });
      expect(rec.body).toBe('hello');
    });
  });
});
