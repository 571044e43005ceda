/**
 * The SQLite log store's writer, in a worker thread with a connection of its own
 * (started by log-writer-thread.ts), in two steps:
 *
 * - `insert` keeps a captured batch as it came, one row in `_logs_pending` (a single
 *   blob write for 200 logs), so a batch is on disk at once and costs next to nothing;
 * - the batch's rows are then built (log-rows.ts) and inserted into `_logs` with their
 *   indexes, a batch at a time, whenever the thread is otherwise idle. The thread runs
 *   at the lowest CPU priority (nice 19, Linux): on a saturated server this second
 *   step waits for spare CPU instead of taking it from requests. A read of the logs
 *   (`expand`) first builds everything pending, so the API never misses a log.
 *
 * Building and inserting rows (about 8 µs a log, measured) is what request logging
 * used to cost a one-core server per request. One answer per call: `{id, result}` or
 * `{id, error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { capturedRows, type EncodableLogRow } from './log-rows.js';
import { DROPPED, type LogThreadCall, type PendingBatch } from './log-thread-messages.js';
import { lowestPriorityForThisThread } from '../core/thread-priority.js';

lowestPriorityForThisThread();

const db = new Database((workerData as { file: string }).file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 10000');

// Rows go in CHUNK at a time (one statement per 50 rows costs about a third less per row than one per row, measured).
const INSERT = 'INSERT INTO "_logs" ("id", "level", "message", "data", "created") VALUES ';
const CHUNK = 50;
const insertOne = db.prepare(INSERT + '(?, ?, ?, ?, ?)');
const insertChunk = db.prepare(INSERT + new Array(CHUNK).fill('(?, ?, ?, ?, ?)').join(', '));
const args: unknown[] = new Array(CHUNK * 5);

function put(row: EncodableLogRow, at: number): void {
  args[at] = row.id;
  args[at + 1] = row.level;
  args[at + 2] = row.message;
  args[at + 3] = row.data;
  args[at + 4] = row.created;
}

const insert = db.transaction((rows: EncodableLogRow[]) => {
  let i = 0;
  for (; i + CHUNK <= rows.length; i += CHUNK) {
    for (let k = 0; k < CHUNK; k++) put(rows[i + k]!, k * 5);
    insertChunk.run(args);
  }
  for (; i < rows.length; i++) {
    put(rows[i]!, 0);
    insertOne.run(args.slice(0, 5));
  }
});

const addPending = db.prepare('INSERT INTO "_logs_pending" ("batch", "count", "maxDataSize") VALUES (?, ?, ?)');
const firstPending = db.prepare('SELECT rowid AS "n", "batch", "count", "maxDataSize" FROM "_logs_pending" ORDER BY rowid LIMIT 1');
const dropPending = db.prepare('DELETE FROM "_logs_pending" WHERE rowid = ?');
const deleteBefore = db.prepare('DELETE FROM "_logs" WHERE "created" < ?');

/**
 * Builds and inserts the oldest pending batch's rows; false when none is left. A batch
 * that fails (say the table is gone) is dropped and reported, not retried forever.
 */
function expandOne(): boolean {
  const pending = firstPending.get() as PendingBatch | undefined;
  if (!pending) return false;
  try {
    expandBatch(pending.n, pending.batch, pending.maxDataSize);
  } catch (err) {
    dropPending.run(pending.n);
    parentPort!.postMessage({ id: DROPPED, dropped: pending.count, error: String((err as Error)?.message ?? err) });
  }
  return true;
}

const expandBatch = db.transaction((n: number, batch: Buffer, maxDataSize: number) => {
  insert(capturedRows(batch, maxDataSize));
  dropPending.run(n);
});

/** Builds pending batches until none is left, or for at most `ms` (at close: what is left waits for the next start). */
function expandAll(ms = Infinity): void {
  const until = performance.now() + ms;
  while (performance.now() < until && expandOne()) { /* until none is pending */ }
}

/** At close, pending rows are built for at most this long (a stop after a saturated stretch must not hang). */
const CLOSE_BUDGET_MS = 2000;

/** Pending batches are built one per turn of the event loop, so calls are answered between them. */
let expanding = false;
function expandInBackground(): void {
  if (expanding || !db.open) return;
  expanding = true;
  setImmediate(() => {
    expanding = false;
    try {
      if (db.open && expandOne()) expandInBackground();
    } catch {
      // left pending: the next insert or read tries again
    }
  });
}

// Batches a previous thread left pending (it stopped while the server was busy).
expandInBackground();

parentPort!.on('message', ({ id, op, arg }: LogThreadCall) => {
  try {
    let result: unknown = null;
    if (op === 'insert') {
      const { bytes, count, maxDataSize } = arg as { bytes: Uint8Array; count: number; maxDataSize: number };
      addPending.run(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), count, maxDataSize);
      expandInBackground();
    } else if (op === 'expand') expandAll();
    else if (op === 'deleteBefore') {
      expandAll();
      result = deleteBefore.run(arg).changes;
    } else if (op === 'truncate') {
      db.exec('DELETE FROM "_logs_pending"');
      db.exec('DELETE FROM "_logs"');
      db.exec('VACUUM');
    } else if (op === 'close') {
      expandAll(CLOSE_BUDGET_MS);
      db.close();
    }
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
});
