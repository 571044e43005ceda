/** What a log store's thread (sqlite-log-thread.ts, postgres-log-thread.ts) and log-writer-thread.ts exchange. */

/** A call: one answer per id, `{id, result}` or `{id, error}`. */
export interface LogThreadCall {
  id: number;
  op: 'insert' | 'expandSoon' | 'expandOne' | 'expand' | 'deleteBefore' | 'truncate' | 'close';
  arg?: unknown;
}

/** The id of a message no call waits for: `{id: DROPPED, dropped, error}`, logs dropped while building rows in the background. */
export const DROPPED = -1;

/** A pending batch as both stores keep it (`_logs_pending`). */
export interface PendingBatch {
  n: number;
  batch: Buffer;
  count: number;
  maxDataSize: number;
}
