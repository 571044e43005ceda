/**
 * The PostgreSQL log store's row builders, worker threads with a connection of their
 * own (started by log-writer-thread.ts). Instances keep captured batches in
 * `_logs_pending` as they come (one bytea row per batch, from the main thread). The
 * background builder takes them one at a time (`FOR UPDATE SKIP LOCKED`: any
 * instance's, each by one instance), builds their rows (log-rows.ts) and inserts them
 * into `_logs` in the same transaction, at nice 19 (Linux): on a saturated server the
 * building, and the inserts PostgreSQL does for it, wait for spare CPU instead of
 * taking it from requests. A read asks the other one, at normal priority, to build
 * everything pending (`expand`, waiting for batches another instance is building), so
 * it sees every log kept so far; past the backlog bound the store asks it for one batch
 * per batch kept (`expandOne`, see MAX_PENDING_LOGS).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { capturedRows } from './log-rows.js';
import { wellFormedJson } from './log-data.js';
import { DROPPED, type LogThreadCall, type PendingBatch } from './log-thread-messages.js';
import { lowestPriorityForThisThread } from '../core/thread-priority.js';

/** One statement per batch: the rows travel as one JSON array of arrays. */
const INSERT = `INSERT INTO "_logs" ("id", "level", "message", "data", "created")
  SELECT e ->> 0, (e ->> 1)::integer, e ->> 2, e -> 3, e ->> 4 FROM jsonb_array_elements($1::jsonb) AS e`;

/** Batches other instances left (one that stopped while busy) are looked for this often. */
const POLL_MS = 30_000;

const { url, background: BACKGROUND } = workerData as { url: string; background: boolean };
const client = new pg.Client({ connectionString: url });
const connected = client.connect();
// A broken connection fails the calls made on it; the thread's owner starts a new thread for the next call.
client.on('error', () => process.exit(1));

/** Builds and inserts one pending batch's rows; false when none is left (wait: also for batches another instance holds). */
async function expandOne(wait: boolean): Promise<boolean> {
  await client.query('BEGIN');
  let pending: PendingBatch | undefined;
  try {
    const { rows } = await client.query(`SELECT "n", "batch", "count", "maxDataSize" FROM "_logs_pending" ORDER BY "n" LIMIT 1 FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`);
    pending = rows[0] as PendingBatch | undefined;
    if (pending) {
      const rowsJson = capturedRows(pending.batch, pending.maxDataSize).map((r) => `[${JSON.stringify(r.id)},${r.level},${JSON.stringify(r.message)},${r.data},${JSON.stringify(r.created)}]`);
      // PostgreSQL cannot store NUL in text or jsonb: only that character is dropped.
      await client.query(INSERT, [wellFormedJson(`[${rowsJson.join(',')}]`, { dropNul: true })]);
      await client.query('DELETE FROM "_logs_pending" WHERE "n" = $1', [pending.n]);
    }
    await client.query('COMMIT');
    return pending !== undefined;
  } catch (err) {
    await client.query('ROLLBACK');
    if (!pending) throw err;
    // A batch that fails (say the table is gone) is dropped and reported, not retried forever.
    const { rowCount } = await client.query('DELETE FROM "_logs_pending" WHERE "n" = $1', [pending.n]);
    if (rowCount) parentPort!.postMessage({ id: DROPPED, dropped: Number(pending.count), error: String((err as Error)?.message ?? err) });
    return true;
  }
}

/** One thing at a time on the connection: calls and the background work take turns. */
let queue: Promise<unknown> = connected;
function serially<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

let expanding = false;
/** Pending batches are built one per turn, so calls are answered between them. */
function expandInBackground(): void {
  if (expanding) return;
  expanding = true;
  void serially(() => expandOne(false)).then(
    (more) => { expanding = false; if (more) setImmediate(expandInBackground); },
    () => { expanding = false; }, // left pending: the next turn tries again
  );
}

/** Whether any batch is still pending (the oldest one a wait ended on may have been built meanwhile, while others remain). */
async function anyPending(): Promise<boolean> {
  const { rows } = await client.query('SELECT EXISTS (SELECT 1 FROM "_logs_pending") AS "any"');
  return rows[0]?.any === true;
}

/**
 * Builds pending batches until none is left, or for at most `ms` (at close: what is left
 * waits for another turn). A wait for a batch another thread is building ends with no
 * row once that one commits (FOR UPDATE with LIMIT 1 does not look further), so an
 * empty answer is checked before stopping: a read must not miss the batches after it.
 */
async function expandAll(ms = Infinity): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until && (await expandOne(true) || await anyPending())) { /* until none is pending */ }
}

/** At close, pending rows are built for at most this long (a stop after a saturated stretch must not hang). */
const CLOSE_BUDGET_MS = 2000;

if (BACKGROUND) {
  lowestPriorityForThisThread();
  setInterval(expandInBackground, POLL_MS).unref();
  expandInBackground();
}

parentPort!.on('message', ({ id, op }: LogThreadCall) => {
  const answer = (result: unknown) => parentPort!.postMessage({ id, result });
  const fail = (err: unknown) => parentPort!.postMessage({ id, error: String((err as Error)?.message ?? err) });
  if (op === 'expandSoon') {
    expandInBackground();
    answer(null);
  } else if (op === 'expandOne') serially(() => expandOne(false)).then(answer, fail);
  else if (op === 'expand') serially(() => expandAll()).then(answer, fail);
  else if (op === 'close') serially(async () => { if (BACKGROUND) await expandAll(CLOSE_BUDGET_MS).catch(() => undefined); await client.end(); }).then(answer, fail);
  else fail(new Error(`unknown call ${op}`));
});
