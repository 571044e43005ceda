/**
 * The SQLite log store's threads (started by log-writer-thread.ts). Logs go in two
 * steps, through two database files so that neither step ever waits for the other's
 * write lock:
 *
 * - the writer (`insert`) keeps a captured batch as it came, one row in
 *   `auxiliary-pending.db` (a single blob write for up to 1,000 logs), so a batch is on
 *   disk at once and costs next to nothing; it alone writes that file;
 * - the builder (`background`) reads the next batch, builds its rows (log-rows.ts) and
 *   inserts them into `auxiliary.db`'s `_logs` together with the number of the last
 *   batch built (`_logs_built`, in the same transaction: a batch is built once), at the
 *   lowest CPU priority (nice 19, Linux): on a saturated server this step waits for
 *   spare CPU instead of taking it from requests. The writer removes built batches
 *   from its file as it goes.
 *
 * A read of the logs asks the writer, at normal priority, to build everything still
 * pending first (`expand`), so the API never misses a log and a busy server does not
 * make the read wait for the builder. While more than `maxPendingLogs` wait, the writer
 * also builds the oldest batch after each one it keeps (see MAX_PENDING_LOGS).
 * One answer per call: `{id, result}` or `{id, error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { capturedRows, type EncodableLogRow } from './log-rows.js';
import { DROPPED, type LogThreadCall, type PendingBatch } from './log-thread-messages.js';
import { lowestPriorityForThisThread } from '../core/thread-priority.js';
import { pendingFileOf } from './sqlite-log-files.js';

const { file, background: BACKGROUND, maxPendingLogs = Infinity } = workerData as { file: string; background: boolean; maxPendingLogs?: number };

function open(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  return db;
}

const logs = open(file);
const pendingDb = open(pendingFileOf(file));

// Rows go in CHUNK at a time (one statement per 50 rows costs about a third less per row than one per row, measured).
const INSERT = 'INSERT INTO "_logs" ("id", "level", "message", "data", "created") VALUES ';
const CHUNK = 50;
const insertOne = logs.prepare(INSERT + '(?, ?, ?, ?, ?)');
const insertChunk = logs.prepare(INSERT + new Array(CHUNK).fill('(?, ?, ?, ?, ?)').join(', '));
const args: unknown[] = new Array(CHUNK * 5);

function put(row: EncodableLogRow, at: number): void {
  args[at] = row.id;
  args[at + 1] = row.level;
  args[at + 2] = row.message;
  args[at + 3] = row.data;
  args[at + 4] = row.created;
}

function insertRows(rows: EncodableLogRow[]): void {
  let i = 0;
  for (; i + CHUNK <= rows.length; i += CHUNK) {
    for (let k = 0; k < CHUNK; k++) put(rows[i + k]!, k * 5);
    insertChunk.run(args);
  }
  for (; i < rows.length; i++) {
    put(rows[i]!, 0);
    insertOne.run(args.slice(0, 5));
  }
}

const lastBuilt = logs.prepare('SELECT "n" FROM "_logs_built"').pluck();
const setBuilt = logs.prepare('UPDATE "_logs_built" SET "n" = ?');
const deleteBefore = logs.prepare('DELETE FROM "_logs" WHERE "created" < ?');
const addPending = pendingDb.prepare('INSERT INTO "_logs_pending" ("batch", "count", "maxDataSize") VALUES (?, ?, ?)');
const nextPending = pendingDb.prepare('SELECT "n", "batch", "count", "maxDataSize" FROM "_logs_pending" WHERE "n" > ? ORDER BY "n" LIMIT 1');
const dropBuilt = pendingDb.prepare('DELETE FROM "_logs_pending" WHERE "n" <= ?');
const pendingLogs = pendingDb.prepare('SELECT coalesce(sum("count"), 0) FROM "_logs_pending"').pluck();

/** A new batch and the removal of those built since, in one commit (a commit is most of what keeping a batch costs). */
const keepPending = pendingDb.transaction((batch: Buffer, count: number, maxDataSize: number): void => {
  addPending.run(batch, count, maxDataSize);
  dropBuilt.run(Number(lastBuilt.get() ?? 0));
});

/** Inserts a batch's rows and marks it built, unless the other thread built it meanwhile. */
const insertBuilt = logs.transaction((n: number, after: number, rows: EncodableLogRow[]): void => {
  if (Number(lastBuilt.get() ?? 0) !== after) return;
  insertRows(rows);
  setBuilt.run(n);
});

/**
 * Builds the next batch's rows (before the write lock is taken: a starved builder must
 * not hold it) and inserts them; false when none is left. A batch that fails (say the
 * table is gone) is marked built without its rows and reported, not retried forever.
 */
function expandOne(): boolean {
  const after = Number(lastBuilt.get() ?? 0);
  const pending = nextPending.get(after) as PendingBatch | undefined;
  if (!pending) return false;
  try {
    insertBuilt.immediate(pending.n, after, capturedRows(pending.batch, pending.maxDataSize));
  } catch (err) {
    const skipped = logs.transaction(() => Number(lastBuilt.get() ?? 0) === after && setBuilt.run(pending.n).changes > 0).immediate();
    if (skipped) parentPort!.postMessage({ id: DROPPED, dropped: pending.count, error: String((err as Error)?.message ?? err) });
  }
  return true;
}

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
  if (expanding || !logs.open) return;
  expanding = true;
  setImmediate(() => {
    expanding = false;
    try {
      if (logs.open && expandOne()) expandInBackground();
    } catch {
      // left pending: the next batch or read tries again
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
      keepPending(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), count, maxDataSize);
      // A starved builder (every core saturated): build here, at normal priority, one batch per batch kept.
      if (Number(pendingLogs.get()) > maxPendingLogs) expandOne();
    } else if (op === 'expandSoon') expandInBackground();
    else if (op === 'expand') expandAll();
    else if (op === 'deleteBefore') {
      expandAll();
      result = deleteBefore.run(arg).changes;
    } else if (op === 'truncate') {
      // Everything kept so far counts as built: its pending batches go too.
      const last = Number(pendingDb.prepare('SELECT max("n") FROM "_logs_pending"').pluck().get() ?? 0);
      logs.transaction(() => {
        logs.exec('DELETE FROM "_logs"');
        if (last > Number(lastBuilt.get() ?? 0)) setBuilt.run(last);
      }).immediate();
      dropBuilt.run(last);
      logs.exec('VACUUM');
    } else if (op === 'close') {
      if (BACKGROUND) expandAll(CLOSE_BUDGET_MS);
      logs.close();
      pendingDb.close();
    }
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
});
