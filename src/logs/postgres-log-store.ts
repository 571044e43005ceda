/**
 * The log store on PostgreSQL: a `_logs` table beside the app's tables (the name is
 * reserved for it), written by every instance, so `/api/logs` on any instance shows
 * the whole cluster. It has no foreign keys or triggers and is only ever written in
 * batches, so it does not slow the app's own tables.
 */
import type { Store } from '../store/store.js';
import { capturedBatch, type LogRow, type LogStore } from './log-store.js';
import type { CapturedLogs } from './log-batch.js';
import { capturedRows } from './log-rows.js';
import { wellFormedJson } from './log-data.js';

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
];

/** One statement per batch: the rows travel as one JSON array of arrays. */
const INSERT = `INSERT INTO "_logs" ("id", "level", "message", "data", "created")
  SELECT e ->> 0, (e ->> 1)::integer, e ->> 2, e -> 3, e ->> 4 FROM jsonb_array_elements($1::jsonb) AS e`;

export class PostgresLogStore implements LogStore {
  readonly dialect = 'postgres' as const;

  constructor(readonly db: Store) {}

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

  /** The rows built here, on the thread that serves requests, once per batch (the rows' data is JSON text already). */
  async insertCaptured(batch: CapturedLogs): Promise<void> {
    if (batch.count === 0) return;
    const rows = capturedRows(batch.bytes, batch.maxDataSize).map((r) => `[${JSON.stringify(r.id)},${r.level},${JSON.stringify(r.message)},${r.data},${JSON.stringify(r.created)}]`);
    // PostgreSQL cannot store NUL in text or jsonb: only that character is dropped.
    await this.db.run(INSERT, [wellFormedJson(`[${rows.join(',')}]`, { dropNul: true })]);
  }

  insert(rows: LogRow[]): Promise<void> {
    return this.insertCaptured(capturedBatch(rows));
  }

  /** Rows are inserted as their batch is written: nothing is pending. */
  async caughtUp(): Promise<void> {}

  deleteBefore(created: string): Promise<number> {
    return this.db.run(`DELETE FROM "_logs" WHERE "created" < $1`, [created]);
  }

  async truncate(): Promise<void> {
    await this.db.run(`DELETE FROM "_logs"`);
  }

  async close(): Promise<void> {
    // The table lives in the app's database: the app's store is closed by its owner.
  }
}
