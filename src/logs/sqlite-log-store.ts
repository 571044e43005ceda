/**
 * The log store on SQLite: `auxiliary.db` in the data directory (PocketBase's name),
 * a database file of its own (and `auxiliary-pending.db` for the batches waiting for
 * their rows), so log writes never take data.db's write lock and logs never grow
 * data.db or its backups. Reads (the logs API) use a connection on the
 * main thread; writes go to two worker threads (sqlite-log-thread.ts).
 */
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { capturedBatch, MAX_PENDING_LOGS, type LogRow, type LogStore, type LogStoreOptions } from './log-store.js';
import { LogWriterThread } from './log-writer-thread.js';
import type { CapturedLogs } from './log-batch.js';
import { AUX_DB_FILE, LOGS_SCHEMA, PENDING_SCHEMA, pendingFileOf } from './sqlite-log-files.js';

export { AUX_DB_FILE } from './sqlite-log-files.js';

export class SqliteLogStore implements LogStore {
  readonly dialect = 'sqlite' as const;
  readonly db: SqliteStore;
  /** Keeps batches, and builds what is pending when a read asks (normal priority). */
  private readonly writer: LogWriterThread;
  /** Builds pending batches' rows in the background (nice 19). */
  private readonly builder: LogWriterThread | undefined;

  private readonly file: string;

  constructor(dir: string, options: LogStoreOptions = {}) {
    const file = (this.file = join(dir, AUX_DB_FILE));
    this.db = SqliteStore.openFile(file);
    // The writer also builds the oldest batch after keeping one while more than maxPendingLogs wait.
    this.writer = new LogWriterThread('sqlite-log-thread', { file, background: false, maxPendingLogs: options.maxPendingLogs ?? MAX_PENDING_LOGS });
    this.builder = options.backgroundBuilder === false ? undefined : new LogWriterThread('sqlite-log-thread', { file, background: true });
  }

  async init(): Promise<void> {
    await this.db.exec(LOGS_SCHEMA);
    const pending = SqliteStore.openFile(pendingFileOf(this.file));
    try {
      await pending.exec(PENDING_SCHEMA);
    } finally {
      await pending.close();
    }
  }

  /** The writer thread keeps the batch at once and builds its rows when it has spare CPU (sqlite-log-thread.ts). */
  async insertCaptured(batch: CapturedLogs): Promise<void> {
    if (batch.count === 0) return;
    await this.writer.call('insert', { bytes: batch.bytes, count: batch.count, maxDataSize: batch.maxDataSize });
    void this.builder?.call('expandSoon').catch(() => { /* the next batch or read starts it again */ });
  }

  insert(rows: LogRow[]): Promise<void> {
    return this.insertCaptured(capturedBatch(rows));
  }

  whenDropped(listener: (count: number, error: Error) => void): void {
    this.writer.onDropped = listener;
    if (this.builder) this.builder.onDropped = listener;
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
    await this.builder?.call('close');
    await this.writer.call('close');
    await this.db.close();
  }
}
