/**
 * Restore on SQLite: data.db (with its WAL files) and storage/ are swapped with the
 * restored ones while the store's connections are closed (SqliteStore.replaceFile: the
 * writer lock is held and the swap is synchronous, so no request sees a closed
 * connection), through restore-journal.ts so a crash leaves the old or the new data.
 */
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { DatabaseRestorer } from './database-restorer.js';
import { finishSwap, swapIn, undoSwap } from './restore-journal.js';

/** The data directory's entries a restore replaces (logs in auxiliary.db stay). */
export const SQLITE_ITEMS = ['data.db', 'data.db-wal', 'data.db-shm', 'storage'];

export class SqliteRestorer implements DatabaseRestorer {
  constructor(private readonly store: SqliteStore, private readonly dataDir: string) {}

  swap(extractedDir: string, oldDir: string): Promise<void> {
    return this.store.replaceFile(() => swapIn(this.dataDir, extractedDir, oldDir, SQLITE_ITEMS));
  }

  undo(): Promise<void> {
    return this.store.replaceFile(() => undoSwap(this.dataDir));
  }

  async finish(): Promise<void> {
    finishSwap(this.dataDir);
  }
}
