/**
 * Where request and application logs are kept, apart from the app's data so they never
 * slow or bloat it: a separate SQLite file (`auxiliary.db`, as PocketBase's) or a
 * `_logs` table every PostgreSQL instance writes to. Both keep PocketBase's table
 * shape, so the queries (log-queries.ts) are the same on both: `created` as
 * `YYYY-MM-DD HH:MM:SS.sssZ` text, `data` as JSON, insertion order as the rowid.
 */
import type { Executor } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import type { EncodedLogs } from './log-batch.js';

/** One row as written (its data already within `logs.maxDataSize`). */
export interface LogRow {
  id: string;
  created: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}

/** A row as the writer hands it to LogStore.encode: its data already JSON text. */
export interface EncodableLogRow {
  id: string;
  created: string;
  level: number;
  message: string;
  data: string;
}

/** A LogRow as an EncodableLogRow. */
export const encodable = (r: LogRow): EncodableLogRow => ({ ...r, data: JSON.stringify(r.data) });

export interface LogStore {
  readonly dialect: DialectName;
  /** Reads (the logs API) go through this. */
  readonly db: Executor;
  /** Creates the table and indexes when missing. */
  init(): Promise<void>;
  /** One row, its data as JSON text, as a line of the store's batch format (no raw newline in it). */
  encode(row: EncodableLogRow): string;
  /** Inserts a batch of encoded rows (the writer's path). */
  insertEncoded(batch: EncodedLogs): Promise<void>;
  /** Inserts rows (encodes them, then insertEncoded). */
  insert(rows: LogRow[]): Promise<void>;
  /** Deletes rows created before `created` (PocketBase's text form); returns how many. */
  deleteBefore(created: string): Promise<number>;
  /** Deletes every row (and gives the space back where the engine can). */
  truncate(): Promise<void>;
  close(): Promise<void>;
}
