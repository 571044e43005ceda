/**
 * The log store on PostgreSQL: a `_logs` table beside the app's tables (the name is
 * reserved for it), written by every instance, so `/api/logs` on any instance shows
 * the whole cluster. It has no foreign keys or triggers and is only ever written in
 * batches, so it does not slow the app's own tables.
 */
import type { Store } from '../store/store.js';
import { capturedBatch, MAX_PENDING_LOGS, type LogRow, type LogStore, type LogStoreOptions } from './log-store.js';
import type { CapturedLogs } from './log-batch.js';
import { LogWriterThread } from './log-writer-thread.js';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS "_logs" (
    "_rowid_" bigint GENERATED ALWAYS AS IDENTITY,
    "id" text PRIMARY KEY NOT NULL,
    "level" integer NOT NULL DEFAULT 0,
    "message" text NOT NULL DEFAULT '',
    "data" jsonb NOT NULL DEFAULT '{}',
    "created" text NOT NULL DEFAULT ''
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS "_logs_rowid_idx" ON "_logs" ("_rowid_")`,
  `CREATE INDEX IF NOT EXISTS "_logs_created_idx" ON "_logs" ("created")`,
  // Captured batches whose rows are not built yet (postgres-log-thread.ts).
  `CREATE TABLE IF NOT EXISTS "_logs_pending" (
    "n" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "batch" bytea NOT NULL,
    "count" integer NOT NULL,
    "maxDataSize" integer NOT NULL
  )`,
];

export class PostgresLogStore implements LogStore {
  readonly dialect = 'postgres' as const;
  /** Builds pending batches' rows in the background (nice 19). */
  private readonly builder: LogWriterThread | undefined;
  /** Builds what is pending when a read asks (normal priority). */
  private readonly catchUp: LogWriterThread;

  private readonly maxPendingLogs: number;

  /** url: the database's, for the builder threads' own connections. */
  constructor(readonly db: Store, url: string, options: LogStoreOptions = {}) {
    this.builder = options.backgroundBuilder === false ? undefined : new LogWriterThread('postgres-log-thread', { url, background: true });
    this.catchUp = new LogWriterThread('postgres-log-thread', { url, background: false });
    this.maxPendingLogs = options.maxPendingLogs ?? MAX_PENDING_LOGS;
  }

  async init(): Promise<void> {
    for (const ddl of SCHEMA) {
      try {
        await this.db.exec(ddl);
      } catch (err) {
        // IF NOT EXISTS is not atomic: another instance creating the table at the same moment makes it fail once.
        await this.db.exec(ddl).catch(() => { throw err; });
      }
    }
  }

  /**
   * Keeps the batch as it is (one row); the builder thread builds its rows when it has
   * spare CPU. While more than maxPendingLogs wait (the cluster's), this instance builds
   * one batch at normal priority for each it keeps (see MAX_PENDING_LOGS).
   */
  async insertCaptured(batch: CapturedLogs): Promise<void> {
    if (batch.count === 0) return;
    await this.db.run(`INSERT INTO "_logs_pending" ("batch", "count", "maxDataSize") VALUES ($1, $2, $3)`, [batch.bytes, batch.count, batch.maxDataSize]);
    const pending = await this.db.get(`SELECT coalesce(sum("count"), 0) AS "logs" FROM "_logs_pending"`);
    if (Number(pending?.logs ?? 0) > this.maxPendingLogs) await this.catchUp.call('expandOne').catch(() => { /* reported by the thread; the next batch tries again */ });
    else void this.builder?.call('expandSoon').catch(() => { /* the next batch or read starts it again */ });
  }

  whenDropped(listener: (count: number, error: Error) => void): void {
    if (this.builder) this.builder.onDropped = listener;
    this.catchUp.onDropped = listener;
  }

  insert(rows: LogRow[]): Promise<void> {
    return this.insertCaptured(capturedBatch(rows));
  }

  /** Builds every pending batch's rows (this instance's and the others'), so a read sees every log kept so far. */
  async caughtUp(): Promise<void> {
    // A failure here is one the writer reports; the read goes on with the rows there are.
    await this.catchUp.call('expand').catch(() => undefined);
  }

  async deleteBefore(created: string): Promise<number> {
    await this.caughtUp();
    return this.db.run(`DELETE FROM "_logs" WHERE "created" < $1`, [created]);
  }

  async truncate(): Promise<void> {
    await this.db.run(`DELETE FROM "_logs_pending"`);
    await this.db.run(`DELETE FROM "_logs"`);
  }

  async close(): Promise<void> {
    // The tables live in the app's database: the app's store is closed by its owner.
    await this.builder?.call('close');
    await this.catchUp.call('close');
  }
}
