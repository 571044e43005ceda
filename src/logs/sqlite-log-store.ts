/**
 * The log store on SQLite: `auxiliary.db` in the data directory (PocketBase's name),
 * a database file of its own, so log writes never take data.db's write lock and logs
 * never grow data.db or its backups. Reads (the logs API) use a connection on the
 * main thread; writes go to two worker threads (sqlite-log-thread.ts).
 */
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { capturedBatch, type LogRow, type LogStore } from './log-store.js';
import { LogWriterThread } from './log-writer-thread.js';
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
CREATE INDEX IF NOT EXISTS "idx_logs_created" ON "_logs" ("created");
CREATE TABLE IF NOT EXISTS "_logs_pending" ("batch" BLOB NOT NULL, "count" INTEGER NOT NULL, "maxDataSize" INTEGER NOT NULL);`;

export class SqliteLogStore implements LogStore {
  readonly dialect = 'sqlite' as const;
  readonly db: SqliteStore;
  /** Keeps batches, and builds what is pending when a read asks (normal priority). */
  private readonly writer: LogWriterThread;
  /** Builds pending batches' rows in the background (nice 19). */
  private readonly builder: LogWriterThread;

  constructor(dir: string) {
    const file = join(dir, AUX_DB_FILE);
    this.db = SqliteStore.openFile(file);
    this.writer = new LogWriterThread('sqlite-log-thread', { file, background: false });
    this.builder = new LogWriterThread('sqlite-log-thread', { file, background: true });
  }

  init(): Promise<void> {
    return this.db.exec(SCHEMA);
  }

  /** The writer thread keeps the batch at once and builds its rows when it has spare CPU (sqlite-log-thread.ts). */
  async insertCaptured(batch: CapturedLogs): Promise<void> {
    if (batch.count === 0) return;
    await this.writer.call('insert', { bytes: batch.bytes, count: batch.count, maxDataSize: batch.maxDataSize });
    void this.builder.call('expandSoon').catch(() => { /* the next batch or read starts it again */ });
  }

  insert(rows: LogRow[]): Promise<void> {
    return this.insertCaptured(capturedBatch(rows));
  }

  whenDropped(listener: (count: number, error: Error) => void): void {
    this.writer.onDropped = listener;
    this.builder.onDropped = listener;
  }

  /** Builds every pending batch's rows, so a read sees every log written so far. */
  async caughtUp(): Promise<void> {
    // A failure here is one the writer reports; the read goes on with the rows there are.
    await this.writer.call('expand').catch(() => undefined);
  }

  async deleteBefore(created: string): Promise<number> {
    return Number(await this.writer.call('deleteBefore', created));
  }

  async truncate(): Promise<void> {
    await this.writer.call('truncate');
  }

  async close(): Promise<void> {
    await this.builder.call('close');
    await this.writer.call('close');
    await this.db.close();
  }
}
