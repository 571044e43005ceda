/**
 * Where request and application logs are kept, apart from the app's data so they never
 * slow or bloat it: a separate SQLite file (`auxiliary.db`, as PocketBase's) or a
 * `_logs` table every PostgreSQL instance writes to. Both keep PocketBase's table
 * shape, so the queries (log-queries.ts) are the same on both: `created` as
 * `YYYY-MM-DD HH:MM:SS.sssZ` text, `data` as JSON, insertion order as the rowid.
 */
import type { Executor } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { LogBatch, type CapturedLogs } from './log-batch.js';

/** One row as written (its data already within `logs.maxDataSize`). */
export interface LogRow {
  id: string;
  created: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}

/** Rows as one captured batch (LogKind.Row records), for LogStore.insert. */
export function capturedBatch(rows: readonly LogRow[]): CapturedLogs {
  const batch = new LogBatch();
  for (const r of rows) batch.addRow(r.id, r.created, r.level, r.message, JSON.stringify(r.data));
  return batch.take();
}

/**
 * Logs kept but not yet built into rows beyond which an instance builds them at normal
 * priority, one batch per batch it keeps: the background builder runs at nice 19 and a
 * server whose every core is saturated for hours would otherwise pile up pending batches
 * without end (disk, and the wait of the next read). About 10 MB and a second of building.
 */
export const MAX_PENDING_LOGS = 100_000;

export interface LogStoreOptions {
  /** See MAX_PENDING_LOGS (the default). */
  maxPendingLogs?: number;
  /** False: no background builder; rows are built on reads and past maxPendingLogs only (tests). */
  backgroundBuilder?: boolean;
}

export interface LogStore {
  readonly dialect: DialectName;
  /** Reads (the logs API) go through this. */
  readonly db: Executor;
  /** Creates the table and indexes when missing. */
  init(): Promise<void>;
  /** Inserts a captured batch's rows (the writer's path; log-rows.ts builds them). */
  insertCaptured(batch: CapturedLogs): Promise<void>;
  /** Inserts rows (capturedBatch, then insertCaptured). */
  insert(rows: LogRow[]): Promise<void>;
  /** Where logs dropped after insertCaptured resolved are reported (a store that builds its rows later). */
  whenDropped?(listener: (count: number, error: Error) => void): void;
  /** Resolves once every row inserted so far can be read (reads call it first). */
  caughtUp(): Promise<void>;
  /** Deletes rows created before `created` (PocketBase's text form); returns how many. */
  deleteBefore(created: string): Promise<number>;
  /** Deletes every row (and gives the space back where the engine can). */
  truncate(): Promise<void>;
  close(): Promise<void>;
}
