/**
 * Restore on SQLite: data.db (with its WAL files) and storage/ are swapped with the
 * restored ones while the store's connections are closed (SqliteStore.replaceFile: the
 * writer lock is held and the swap is synchronous, so no request sees a closed
 * connection), through restore-journal.ts so a crash leaves the old or the new data.
 * A PostgreSQL backup is first written into a new data.db beside the extracted dump
 * (cross-engine-copy.ts), in one transaction, and then swapped in the same way.
 */
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { DialectName } from '../store/dialect.js';
import { NO_FEATURES } from '../store/store-features.js';
import { openArchiveTables } from './archive-tables.js';
import { copyAcrossEngines } from './cross-engine-copy.js';
import type { DatabaseRestorer } from './database-restorer.js';
import { finishSwap, swapIn, undoSwap } from './restore-journal.js';

/** The data directory's entries a restore replaces (logs in auxiliary.db stay). */
export const SQLITE_ITEMS = ['data.db', 'data.db-wal', 'data.db-shm', 'storage'];

export class SqliteRestorer implements DatabaseRestorer {
  constructor(private readonly store: SqliteStore, private readonly dataDir: string) {}

  async swap(extractedDir: string, oldDir: string, from: DialectName): Promise<void> {
    if (from !== 'sqlite') await buildDatabase(extractedDir, from);
    return this.store.replaceFile(() => swapIn(this.dataDir, extractedDir, oldDir, SQLITE_ITEMS));
  }

  undo(): Promise<void> {
    return this.store.replaceFile(() => undoSwap(this.dataDir));
  }

  async finish(): Promise<void> {
    finishSwap(this.dataDir);
  }
}

/** A data.db in dir holding the backup of another engine extracted there. */
async function buildDatabase(dir: string, from: DialectName): Promise<void> {
  const source = await openArchiveTables(from, dir);
  const store = SqliteStore.open(dir);
  try {
    await store.transaction((tx) => copyAcrossEngines(tx, store.dialect, source, NO_FEATURES));
  } finally {
    source.close();
    await store.close();
  }
}
