/**
 * A restore on PostgreSQL that dies around its database commit: the uploaded files are
 * swapped before the transaction (journal "swapping", with a commit marker) and marked
 * done after it. The next open asks the database: the marker committed → the restored
 * files stay with the restored rows; it did not → the old files come back under the
 * old rows. Both states are made exactly as a crash leaves them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createPgDatabase } from './support/galley.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { readArchive } from '../src/backups/archive-reader.js';
import { PostgresRestorer } from '../src/backups/postgres-restorer.js';
import { swapIn } from '../src/backups/restore-journal.js';
import { createRecord } from '../src/core/records/record-writer.js';
import { SUPERUSER_SYSTEM } from '../src/core/auth/request-auth.js';
import { systemAccess } from '../src/core/rules/rule-access.js';

describe('a PostgreSQL restore that dies around its commit', () => {
  let dir: string;
  let db: string;
  let fileKey: string;
  const journal = () => join(dir, '.galley_tmp', 'restore-journal.json');

  const open = () => GalleyCore.open({ dir, db });
  const count = async (core: GalleyCore) => Number((await core.store.get('SELECT count(*) AS "n" FROM "items"'))!.n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'galley-commit-'));
    db = await createPgDatabase();
    const core = await open();
    try {
      const c = await core.collections.create({ name: 'items', type: 'base', fields: [{ name: 'title', type: 'text' }] });
      const access = systemAccess(core.collections.registry, SUPERUSER_SYSTEM);
      for (let i = 0; i < 5; i++) await createRecord(core.recordDeps, core.collections.get('items'), { title: `item ${i}` }, access);
      // A file of the restored state (the backup's).
      const rec = await core.store.get('SELECT "id" FROM "items" LIMIT 1');
      fileKey = join('storage', String(c.id), String(rec!.id), 'new.txt');
      await core.files.storage().put(`${c.id}/${String(rec!.id)}/new.txt`, Buffer.from('new'), 'text/plain');
      await core.backups.create('new.zip'); // 5 items, new.txt
      await core.files.storage().delete(`${c.id}/${String(rec!.id)}/new.txt`);
      for (let i = 0; i < 3; i++) await createRecord(core.recordDeps, core.collections.get('items'), { title: `later ${i}` }, access);
      // A file of the old state only.
      writeFileSync(join(dir, 'storage', 'old.txt'), 'old');
    } finally {
      await core.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function extracted(): Promise<string> {
    const to = mkdtempSync(join(tmpdir(), 'galley-commit-new-'));
    await readArchive(join(dir, 'backups', 'new.zip'), { extractTo: to });
    return to;
  }

  it('rolls the files back when the commit did not happen', async () => {
    // The files swapped, then death before the transaction committed.
    swapIn(dir, await extracted(), join(dir, '.galley_tmp', 'restore_a', 'old'), ['storage'], false, 'a-marker-that-never-committed');
    expect(existsSync(join(dir, fileKey))).toBe(true);
    const core = await open();
    try {
      expect(await count(core)).toBe(8);
      expect(existsSync(join(dir, fileKey))).toBe(false);
      expect(readFileSync(join(dir, 'storage', 'old.txt'), 'utf8')).toBe('old');
      expect(existsSync(journal())).toBe(false);
    } finally {
      await core.close();
    }
  });

  it('keeps the restored files when the commit happened before the journal was marked', async () => {
    const core = await open();
    try {
      await new PostgresRestorer(core.store, dir).swap(await extracted(), join(dir, '.galley_tmp', 'restore_b', 'old'), 'postgres');
    } finally {
      await core.close();
    }
    // As if the process died right after the commit: the journal still says "swapping".
    const j = JSON.parse(readFileSync(journal(), 'utf8')) as { phase: string; commitMarker: string; oldDir: string };
    expect(j.commitMarker).toMatch(/^[0-9a-f-]{36}$/);
    writeFileSync(journal(), JSON.stringify({ ...j, phase: 'swapping' }));
    const reopened = await open();
    try {
      expect(await count(reopened)).toBe(5);
      expect(readFileSync(join(dir, fileKey), 'utf8')).toBe('new');
      expect(existsSync(join(dir, 'storage', 'old.txt'))).toBe(false);
      expect(existsSync(j.oldDir)).toBe(false);
      expect(existsSync(journal())).toBe(false);
    } finally {
      await reopened.close();
    }
  });
});
