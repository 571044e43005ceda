/**
 * PocketBase's own test data (a real pb_data folder, test/fixtures/pocketbase-testdata, copied from the team's shared fixtures; MIT, see its LICENSE.md)
 * copied to a temp folder for each use, since SQLite writes -shm/-wal beside data.db.
 * Its users and superusers all have the password 1234567890 (bcrypt hashes).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const PB_FIXTURE = fileURLToPath(new URL('../fixtures/pocketbase-testdata', import.meta.url));
export const PB_PASSWORD = '1234567890';

/** A fresh copy of the fixture; returns the pb_data path. */
export function copyPbFixture(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'galley-pb-')), 'pb_data');
  cpSync(PB_FIXTURE, dir, { recursive: true });
  return dir;
}

/** Runs fn on the copy's data.db (read-write). */
export function withPbDb<T>(pbData: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(pbData, 'data.db'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
