/**
 * A restore killed at any moment, on both engines: `galley backup restore` is
 * SIGKILLed after increasing delays spread over a whole run, and each time the next
 * open finds either the old data or the restored data, whole: the row count of one
 * state or the other, the file that belongs to that state, and on SQLite
 * `PRAGMA integrity_check` ok. On PostgreSQL the files are swapped before the database
 * commits, so a kill around the commit is settled by the journal's commit marker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { createPgDatabase, ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { CLI } from './support/cli.js';
import { fileOf, form } from './support/files.js';
import { GalleyCore } from '../src/core/galley-core.js';

describe.each(ENGINES)('a restore killed at any step, on %s', (engine) => {
  let g: TestGalley;
  let collectionId: string;
  let fileKey: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    g = await startGalley(engine);
    collectionId = (await g.admin.collections.create({ name: 'items', type: 'base', fields: [{ name: 'title', type: 'text' }, { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1_000_000 }] })).id;
    for (let i = 0; i < 200; i++) await g.admin.collection('items').create({ title: `item ${i}` });
    const withFile = await g.admin.collection('items').create(form({ title: 'with a file', doc: fileOf(Buffer.alloc(50_000, 1), 'doc.bin') }));
    fileKey = join('storage', collectionId, withFile.id, withFile.doc);
    await g.admin.backups.create('new.zip'); // 201 items, with the file
    await g.admin.collection('items').delete(withFile.id);
    for (let i = 0; i < 50; i++) await g.admin.collection('items').create({ title: `later ${i}` });
    await g.admin.backups.create('old.zip'); // 250 items, no file
  });
  afterAll(async () => {
    await g.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A data directory (and on PostgreSQL a database) holding the old state, with both archives in its backups folder. */
  async function oldDataDir(): Promise<{ dir: string; db: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'galley-kill-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'backups'));
    for (const key of ['new.zip', 'old.zip']) copyFileSync(join(g.dir, 'backups', key), join(dir, 'backups', key));
    const db = engine === 'postgres' ? await createPgDatabase() : '';
    const core = await GalleyCore.open({ dir, db });
    await core.backups.restore('old.zip');
    await core.close();
    return { dir, db };
  }

  /** Runs the restore CLI, killed after ms (undefined: not killed); resolves when the process is gone, with its run time. */
  function restoreKilledAfter({ dir, db }: { dir: string; db: string }, ms: number | undefined): Promise<number> {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'backup', 'restore', 'new.zip', '--dir', dir, ...(db ? ['--db', db] : [])], { stdio: 'ignore' });
    const timer = ms === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), ms);
    return new Promise((resolve) => child.once('exit', () => { clearTimeout(timer); resolve(performance.now() - started); }));
  }

  async function state({ dir, db }: { dir: string; db: string }): Promise<'old' | 'new'> {
    const core = await GalleyCore.open({ dir, db });
    try {
      if (!db) expect(await core.store.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      const items = Number((await core.store.get('SELECT count(*) AS "n" FROM "items"'))!.n);
      const hasFile = existsSync(join(dir, fileKey));
      if (items === 201 && hasFile) return 'new';
      if (items === 250 && !hasFile) return 'old';
      throw new Error(`a mixed state: ${items} items, file ${hasFile ? 'present' : 'absent'}`);
    } finally {
      await core.close();
    }
  }

  it('leaves the old or the new data, whole, wherever it is killed', async () => {
    const whole = await restoreKilledAfter(await oldDataDir(), undefined);
    const seen: string[] = [];
    // Twelve points over the run, then one well after its end (a busy machine makes runs vary).
    for (const at of [...Array.from({ length: 12 }, (_, k) => (whole * (k + 1)) / 12), whole * 3]) {
      const data = await oldDataDir();
      await restoreKilledAfter(data, at);
      seen.push(await state(data));
    }
    // Early kills keep the old data; a kill after the end finds the new data.
    expect(seen[0]).toBe('old');
    expect(seen.at(-1)).toBe('new');
  }, 300_000);
});
