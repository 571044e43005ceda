/**
 * What a backup taken while the app is busy holds, on both engines: every create
 * acknowledged before the snapshot (the manifest's createdAt) is in it, and a record in
 * the backup has its file in the archive even when the record and its file were
 * deleted while the backup ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { fileOf, form } from './support/files.js';
import { unzip } from './support/zip-edit.js';

/** The ids in a table of a backup archive (read from its data.db or its JSON lines dump). */
function backupIds(entries: Map<string, Buffer>, table: string): Set<string> {
  if (entries.has('data.db')) {
    const dir = mkdtempSync(join(tmpdir(), 'galley-backup-read-'));
    writeFileSync(join(dir, 'data.db'), entries.get('data.db')!);
    const db = new Database(join(dir, 'data.db'), { readonly: true });
    try {
      return new Set(db.prepare(`SELECT "id" FROM "${table}"`).pluck().all() as string[]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const [head, ...rows] = entries.get(`db/${table}.jsonl`)!.toString().split('\n').filter(Boolean);
  const at = (JSON.parse(head!) as { columns: string[] }).columns.indexOf('id');
  return new Set(rows.map((r) => String((JSON.parse(r) as unknown[])[at])));
}

describe.each(ENGINES)('a backup of a busy app on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'events', type: 'base', fields: [{ name: 'n', type: 'number' }] });
    await g.admin.collections.create({ name: 'docs', type: 'base', fields: [{ name: 'doc', type: 'file', maxSelect: 1, maxSize: 1_000_000 }] });
    // Enough rows that the snapshot and the zip take a while.
    for (let i = 0; i < 300; i++) await g.admin.collection('events').create({ n: -i });
  });
  afterAll(() => g.close());

  const download = async (key: string) => {
    const token = await g.admin.files.getToken();
    return unzip(Buffer.from(await (await fetch(g.admin.backups.getDownloadURL(token, key))).arrayBuffer()));
  };

  it('holds every create acknowledged before its snapshot', async () => {
    const acked: { id: string; at: number }[] = [];
    let stop = false;
    const writers = [0, 1, 2].map(async (w) => {
      for (let i = 0; !stop; i++) {
        const r = await g.admin.collection('events').create({ n: w * 100_000 + i });
        acked.push({ id: r.id, at: Date.now() });
      }
    });
    await new Promise((r) => setTimeout(r, 100));
    await g.admin.backups.create('busy.zip');
    stop = true;
    await Promise.all(writers);
    const entries = await download('busy.zip');
    const snapshotAt = Date.parse(JSON.parse(entries.get('manifest.json')!.toString()).createdAt);
    const ids = backupIds(entries, 'events');
    const before = acked.filter((a) => a.at < snapshotAt);
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((a) => !ids.has(a.id))).toEqual([]);
    // Writes went on while the backup ran.
    expect(acked.some((a) => a.at > snapshotAt)).toBe(true);
  });

  it('keeps the file of a record in the backup when it is deleted while the backup runs', async () => {
    const made: { id: string; doc: string; bytes: Buffer }[] = [];
    for (let i = 0; i < 40; i++) {
      const bytes = Buffer.from(`file number ${i}\n`.repeat(2000));
      const r = await g.admin.collection('docs').create(form({ doc: fileOf(bytes, `f${i}.txt`, 'text/plain') }));
      made.push({ id: r.id, doc: r.doc, bytes });
    }
    const running = g.admin.backups.create('deleting.zip');
    // Once the backup runs (it holds the lock), the deletes are spread over its snapshot and its zip.
    for (let i = 0; i < 500 && (await g.admin.health.check()).data.canBackup; i++) await new Promise((r) => setTimeout(r, 2));
    for (const m of made) {
      await g.admin.collection('docs').delete(m.id);
      await new Promise((r) => setTimeout(r, 10));
    }
    await running;
    const entries = await download('deleting.zip');
    const docsId = (await g.admin.collections.getOne('docs')).id;
    const ids = backupIds(entries, 'docs');
    // The backup started before the deletes: its snapshot holds some of these records.
    expect(made.filter((m) => ids.has(m.id)).length).toBeGreaterThan(0);
    for (const m of made) {
      if (!ids.has(m.id)) continue;
      const file = entries.get(`storage/${docsId}/${m.id}/${m.doc}`);
      expect(file, `the file of ${m.id}`).toBeDefined();
      expect(file!.equals(m.bytes)).toBe(true);
    }
  });
});
