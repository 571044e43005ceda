/**
 * The SQLite log store's threads (started by log-writer-thread.ts), each with a
 * connection of its own. Logs go in two steps:
 *
 * - the writer (`insert`) keeps a captured batch as it came, one row in `_logs_pending`
 *   (a single blob write for 200 logs), so a batch is on disk at once and costs next
 *   to nothing;
 * - the builder (`background`) then builds the batch's rows (log-rows.ts) and inserts
 *   them into `_logs` with their indexes, a batch at a time, at the lowest CPU priority
 *   (nice 19, Linux): on a saturated server this step waits for spare CPU instead of
 *   taking it from requests. A read of the logs asks the writer, at normal priority,
 *   to build everything still pending first (`expand`), so the API never misses a log
 *   and a busy server does not make the read wait for the builder.
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

const { file, background: BACKGROUND } = workerData as { file: string; background: boolean };
const db = new Database(file);
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
 * Builds and inserts the oldest pending batch's rows; false when none is left. The rows
 * are built before the write lock is taken (a starved builder must not hold it), and
 * the batch is removed in the transaction that inserts them: when the other thread
 * took it meanwhile, nothing is inserted. A batch that fails (say the table is gone) is
 * dropped and reported, not retried forever.
 */
function expandOne(): boolean {
  const pending = firstPending.get() as PendingBatch | undefined;
  if (!pending) return false;
  try {
    insertTaken.immediate(pending.n, capturedRows(pending.batch, pending.maxDataSize));
  } catch (err) {
    if (dropPending.run(pending.n).changes > 0) parentPort!.postMessage({ id: DROPPED, dropped: pending.count, error: String((err as Error)?.message ?? err) });
  }
  return true;
}

const insertTaken = db.transaction((n: number, rows: EncodableLogRow[]) => {
  if (dropPending.run(n).changes === 0) return; // built by the other thread
  insert(rows);
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

// The builder: lowest priority, and batches a previous thread left pending (it stopped while the server was busy).
if (BACKGROUND) {
  lowestPriorityForThisThread();
  expandInBackground();
}

parentPort!.on('message', ({ id, op, arg }: LogThreadCall) => {
  try {
    let result: unknown = null;
    if (op === 'insert') {
      const { bytes, count, maxDataSize } = arg as { bytes: Uint8Array; count: number; maxDataSize: number };
      addPending.run(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), count, maxDataSize);
    } else if (op === 'expandSoon') expandInBackground();
    else if (op === 'expand') expandAll();
    else if (op === 'deleteBefore') {
      expandAll();
      result = deleteBefore.run(arg).changes;
    } else if (op === 'truncate') {
      db.exec('DELETE FROM "_logs_pending"');
      db.exec('DELETE FROM "_logs"');
      db.exec('VACUUM');
    } else if (op === 'close') {
      if (BACKGROUND) expandAll(CLOSE_BUDGET_MS);
      db.close();
    }
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
});
