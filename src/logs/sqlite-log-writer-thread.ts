/**
 * The log store's writes on SQLite run in a worker thread with a connection of its
 * own: better-sqlite3 is synchronous, and inserting a batch (the rows and their
 * indexes) costs several times more than building it, so on the main thread it would
 * take that much from request throughput. The main thread hands over the batch as
 * UTF-8 bytes (SqliteLogStore.encode's lines: copying bytes costs a fraction of
 * structured-cloning the rows' objects, measured) and gets an answer per call; the
 * worker splits them and inserts the batch in one transaction.
 *
 * The worker's code is plain JavaScript evaluated from a string (no separate file to
 * find from src/ under the tests and dist/ in a build); it loads the same
 * better-sqlite3 the main thread resolves. The worker keeps the process alive only
 * while calls are pending, and stops after IDLE_MS without a call: a thread is a V8
 * heap of its own (about 10 MiB of an idle server's memory); the next batch starts a
 * new one.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 10000');
// Rows go in CHUNK at a time (one statement per 50 rows costs about a third less per row than one per row, measured).
const INSERT = 'INSERT INTO "_logs" ("id", "level", "message", "data", "created") VALUES ';
const CHUNK = 50;
const insertOne = db.prepare(INSERT + '(?, ?, ?, ?, ?)');
const insertChunk = db.prepare(INSERT + new Array(CHUNK).fill('(?, ?, ?, ?, ?)').join(', '));
const args = new Array(CHUNK * 5);
function put(line, at) {
  const f = line.split('\\t');
  args[at] = f[0]; args[at + 1] = Number(f[1]); args[at + 2] = JSON.parse(f[3]); args[at + 3] = f[4]; args[at + 4] = f[2];
}
const insert = db.transaction((bytes) => {
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\\n');
  let i = 0;
  for (; i + CHUNK <= lines.length; i += CHUNK) {
    for (let k = 0; k < CHUNK; k++) put(lines[i + k], k * 5);
    insertChunk.run(args);
  }
  for (; i < lines.length; i++) {
    put(lines[i], 0);
    insertOne.run(args.slice(0, 5));
  }
});
const deleteBefore = db.prepare('DELETE FROM "_logs" WHERE "created" < ?');
parentPort.on('message', ({ id, op, arg }) => {
  try {
    let result = null;
    if (op === 'insert') insert(arg);
    else if (op === 'deleteBefore') result = deleteBefore.run(arg).changes;
    else if (op === 'truncate') { db.exec('DELETE FROM "_logs"'); db.exec('VACUUM'); }
    else if (op === 'close') { db.close(); }
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

type Op = 'insert' | 'deleteBefore' | 'truncate' | 'close';

/**
 * A writer without calls for this long is stopped. Under traffic a batch comes every 3 s
 * (log-writer.ts), so the thread stays; starting a new one costs tens of milliseconds of
 * CPU on another thread, at most once per quiet spell.
 */
const IDLE_MS = 10_000;

export class SqliteLogWriterThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Threads stopped for idleness: their exit fails nothing (the calls pending then are the next thread's). */
  private readonly retired = new WeakSet<Worker>();
  /** Threads that have not exited yet (a retired one until it has). */
  private readonly alive = new Set<Worker>();

  constructor(private readonly file: string, private readonly idleMs = IDLE_MS) {}

  /** Whether a thread of this writer exists now, a stopping one included (tests). */
  get running(): boolean {
    return this.alive.size > 0;
  }

  call(op: Op, arg?: unknown): Promise<unknown> {
    clearTimeout(this.idleTimer);
    if (op === 'close' && !this.worker) return Promise.resolve(null);
    const worker = this.start();
    const id = ++this.nextId;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.ref();
    // A batch's bytes (a buffer of their own, see LogBatch.take) move to the thread instead of being copied.
    const transfer = arg instanceof Uint8Array && arg.byteOffset === 0 && arg.byteLength === arg.buffer.byteLength ? [arg.buffer as ArrayBuffer] : [];
    worker.postMessage({ id, op, arg }, transfer);
    return op === 'close' ? result.finally(() => this.stop()) : result;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, file: this.file } });
    worker.unref();
    worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const call = this.pending.get(msg.id);
      if (!call) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) {
        worker.unref();
        this.retireWhenIdle(worker);
      }
      if (msg.error !== undefined) call.reject(new Error(msg.error));
      else call.resolve(msg.result);
    });
    // A crashed worker fails what it was doing; the next call starts a new one.
    const fail = (err: Error) => {
      if (this.retired.has(worker)) return;
      if (this.worker === worker) this.worker = undefined;
      for (const call of this.pending.values()) call.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      this.alive.delete(worker);
      fail(new Error(`the log writer thread exited (${code})`));
    });
    this.alive.add(worker);
    this.worker = worker;
    return worker;
  }

  private retireWhenIdle(worker: Worker): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.retire(worker), this.idleMs);
    this.idleTimer.unref();
  }

  /** Stops an idle thread: its connection is closed first (checkpointing its WAL); a call from now on starts a new thread. */
  private retire(worker: Worker): void {
    if (this.worker !== worker || this.pending.size > 0) return;
    this.worker = undefined;
    // Every call it had is answered: nothing is left to fail when it exits.
    this.retired.add(worker);
    worker.once('message', () => void worker.terminate());
    worker.postMessage({ id: 0, op: 'close' });
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
