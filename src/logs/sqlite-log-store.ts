/**
 * The log store on SQLite: `auxiliary.db` in the data directory (PocketBase's name),
 * a database file of its own, so log writes never take data.db's write lock and logs
 * never grow data.db or its backups. Reads (the logs API) use a connection on the
 * main thread; writes go to a worker thread (sqlite-log-writer-thread.ts).
 */
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { capturedBatch, type LogRow, type LogStore } from './log-store.js';
import { SqliteLogWriterThread } from './sqlite-log-writer-thread.js';
import type { CapturedLogs } from './log-batch.js';

export const AUX_DB_FILE = 'auxiliary.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS "_logs" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "level" INTEGER NOT NULL DEFAULT 0,
  "message" TEXT NOT NULL DEFAULT '',
  "data" JSON NOT NULL DEFAULT '{}',
  "created" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS "idx_logs_created" ON "_logs" ("created");`;

export class SqliteLogStore implements LogStore {
  readonly dialect = 'sqlite' as const;
  readonly db: SqliteStore;
  private readonly writer: SqliteLogWriterThread;

  constructor(dir: string) {
    const file = join(dir, AUX_DB_FILE);
    this.db = SqliteStore.openFile(file);
    this.writer = new SqliteLogWriterThread(file);
  }

  init(): Promise<void> {
    return this.db.exec(SCHEMA);
  }

  /** The writer thread builds the rows and inserts them. */
  async insertCaptured(batch: CapturedLogs): Promise<void> {
    if (batch.count > 0) await this.writer.call('insert', { bytes: batch.bytes, maxDataSize: batch.maxDataSize });
  }

  insert(rows: LogRow[]): Promise<void> {
    return this.insertCaptured(capturedBatch(rows));
  }

  async deleteBefore(created: string): Promise<number> {
    return Number(await this.writer.call('deleteBefore', created));
  }

  async truncate(): Promise<void> {
    await this.writer.call('truncate');
  }

  async close(): Promise<void> {
    await this.writer.call('close');
    await this.db.close();
  }
}
