/**
 * Restores through the SDK's pb.backups.restore, on both engines: the live data
 * (records, files, settings, collections) becomes the backup's, in process, and
 * realtime clients are disconnected; a backup that fails verification is refused with
 * a 400 and nothing changes. On SQLite, a restore interrupted by a crash is finished
 * or rolled back at the next open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/errors.js';
import { fileOf, form } from './support/files.js';
import { rezip } from './support/zip-edit.js';
import { eventually } from './support/realtime.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { readArchive } from '../src/backups/archive-reader.js';
import { swapIn } from '../src/backups/restore-journal.js';
import { SQLITE_ITEMS } from '../src/backups/sqlite-restorer.js';

describe.each(ENGINES)('restoring a backup on %s', (engine) => {
  let g: TestGalley;
  const attachment = Buffer.from('file bytes that must come back\n'.repeat(40));
  let before: Record<string, unknown>[];
  let withFile: Record<string, any>;

  const allNotes = async () => (await g.admin.collection('notes').getFullList({ sort: 'title' })) as unknown as Record<string, unknown>[];

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }, { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1_000_000 }] });
    for (let i = 0; i < 20; i++) await g.admin.collection('notes').create({ title: `note ${String(i).padStart(2, '0')}`, n: i });
    withFile = await g.admin.collection('notes').create(form({ title: 'with a file', doc: fileOf(attachment, 'doc.txt', 'text/plain') }));
    await g.admin.settings.update({ meta: { appName: 'Before' } });
    before = await allNotes();
    await g.admin.backups.create('before.zip');
  });
  afterAll(() => g.close());

  const changeEverything = async () => {
    await g.admin.collection('notes').delete(withFile.id);
    await g.admin.collection('notes').update(String(before[0]!.id), { n: 999 });
    await g.admin.collection('notes').create({ title: 'made after the backup' });
    await g.admin.collections.create({ name: 'later', type: 'base', fields: [{ name: 'x', type: 'text' }] });
    await g.admin.settings.update({ meta: { appName: 'After' } });
  };

  {
    it('puts back every record, file, setting and collection of the backup, in process', async () => {
      await changeEverything();
      expect(await allNotes()).not.toEqual(before);
      expect(await g.admin.backups.restore('before.zip')).toBe(true);

      expect(await allNotes()).toEqual(before);
      const res = await fetch(`${g.url}/api/files/notes/${withFile.id}/${withFile.doc}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(attachment)).toBe(true);
      expect((await g.admin.settings.getAll()).meta.appName).toBe('Before');
      expect((await failure(g.admin.collections.getOne('later'))).status).toBe(404);
      // Writes go on against the restored data.
      await g.admin.collection('notes').create({ title: 'after the restore' });
      expect((await allNotes()).length).toBe(before.length + 1);
      expect((await g.admin.health.check()).data.canBackup).toBe(true);
    });

    it('disconnects realtime clients so they reconnect to the restored data', async () => {
      const client = g.client();
      let disconnects = 0;
      await client.realtime.subscribe('notes', () => {});
      client.realtime.onDisconnect = () => { disconnects++; };
      await g.admin.backups.restore('before.zip');
      await eventually(() => expect(disconnects).toBeGreaterThan(0));
      await client.realtime.unsubscribe();
    });

    it('refuses a backup that fails verification, changing nothing', async () => {
      const token = await g.admin.files.getToken();
      const good = Buffer.from(await (await fetch(g.admin.backups.getDownloadURL(token, 'before.zip'))).arrayBuffer());
      const lying = await rezip(good, (path, data) => {
        if (path !== 'manifest.json') return data;
        const m = JSON.parse(data.toString());
        m.tables.find((t: { name: string }) => t.name === 'notes').hash = 'f'.repeat(64);
        return Buffer.from(JSON.stringify(m));
      });
      await g.admin.backups.upload({ file: fileOf(lying, 'lying.zip', 'application/zip') });
      await g.admin.collection('notes').create({ title: 'still here' });
      const current = await allNotes();
      const err = await failure(g.admin.backups.restore('lying.zip'));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/^The backup cannot be restored: the backup failed verification \(tables: notes: the content hash differs/);
      expect(await allNotes()).toEqual(current);
    });

  }

  if (engine === 'sqlite') {
    it('finishes or rolls back a restore that a crash interrupted, at the next open', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'galley-crash-'));
      const core = await GalleyCore.open({ dir, db: '' });
      await core.collections.load();
      const count = async (c: GalleyCore) => Number((await c.store.get('SELECT count(*) AS "n" FROM "_collections"'))!.n);
      const oldCount = await count(core);
      await core.close();
      // An uploaded file of the old data.
      mkdirSync(join(dir, 'storage', 'oldcollection', 'oldrecord'), { recursive: true });
      writeFileSync(join(dir, 'storage', 'oldcollection', 'oldrecord', 'old.txt'), 'old');
      const swapAndCrash = async (phase: 'swapping' | 'swapped', halfway = false) => {
        // The backup's data, extracted as a restore does.
        const extracted = mkdtempSync(join(tmpdir(), 'galley-crash-new-'));
        await readArchive(join(g.dir, 'backups', 'before.zip'), { extractTo: extracted });
        const oldDir = join(dir, '.galley_tmp', `restore_${phase}${halfway ? '_half' : ''}`, 'old');
        swapIn(dir, extracted, oldDir, SQLITE_ITEMS);
        if (halfway) {
          // As if the process died after moving data.db but before moving storage/: the old storage/ still in place.
          renameSync(join(dir, 'storage'), join(extracted, 'storage'));
          renameSync(join(oldDir, 'storage'), join(dir, 'storage'));
        }
        const journal = join(dir, '.galley_tmp', 'restore-journal.json');
        writeFileSync(journal, JSON.stringify({ ...JSON.parse(readFileSync(journal, 'utf8')), phase }));
      };
      await swapAndCrash('swapping');
      let reopened = await GalleyCore.open({ dir, db: '' });
      expect(await count(reopened)).toBe(oldCount);
      await reopened.close();
      const oldFiles = readdirSync(join(dir, 'storage'), { recursive: true }).sort();
      await swapAndCrash('swapping', true);
      reopened = await GalleyCore.open({ dir, db: '' });
      expect(await count(reopened)).toBe(oldCount);
      expect(readdirSync(join(dir, 'storage'), { recursive: true }).sort()).toEqual(oldFiles);
      await reopened.close();
      await swapAndCrash('swapped');
      reopened = await GalleyCore.open({ dir, db: '' });
      expect(reopened.collections.find('notes')).toBeDefined();
      await reopened.close();
    });
  }
});
