/**
 * Only one backup or restore at a time, across the cluster. On SQLite there is one
 * process per database, so a flag in memory is enough. On PostgreSQL a
 * transaction-level advisory lock is taken in a transaction held open for the whole
 * operation (one pooled connection): it is released however the operation ends, the
 * process dying included, and every instance can see it in pg_locks.
 */
import type { Store } from '../store/store.js';

/** An arbitrary constant: the advisory lock key of backups and restores. */
const PG_LOCK_KEY = 7_361_204_916;

export class BackupBusyError extends Error {
  constructor() {
    super('Try again later - another backup/restore process has already been started.');
  }
}

export class BackupLock {
  private local = false;

  constructor(private readonly store: Store) {}

  /** Runs fn holding the lock; BackupBusyError when another backup or restore holds it. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.local) throw new BackupBusyError();
    this.local = true;
    try {
      if (this.store.dialect.name !== 'postgres') return await fn();
      return await this.store.transaction(async (tx) => {
        const row = await tx.get(`SELECT pg_try_advisory_xact_lock(${PG_LOCK_KEY}) AS "locked"`);
        if (!row?.locked) throw new BackupBusyError();
        return fn();
      });
    } finally {
      this.local = false;
    }
  }

  /** True while a backup or restore runs here or, on PostgreSQL, on any instance. */
  async busy(): Promise<boolean> {
    if (this.local || this.store.dialect.name !== 'postgres') return this.local;
    const row = await this.store.get(
      `SELECT 1 AS "x" FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) ` +
        `AND ((classid::bigint << 32) | objid::bigint) = ${PG_LOCK_KEY}`,
    );
    return row !== undefined;
  }
}
