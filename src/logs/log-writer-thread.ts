/**
 * A log store's worker thread (sqlite-log-thread.ts, postgres-log-thread.ts), with a
 * connection of its own: building a batch's rows and inserting them costs several times
 * more than capturing them, so on the main thread it would take that much from
 * request throughput. The main thread makes calls (a captured batch's bytes are
 * transferred, not copied) and gets an answer per call.
 *
 * The worker keeps the process alive only while calls are pending, and stops after
 * IDLE_MS without a call: a thread is a V8 heap of its own (about 10 MiB of an idle
 * server's memory); the next batch starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { threadModuleUrl } from '../core/thread-module.js';
import type { LogThreadCall } from './log-thread-messages.js';

/** insert (SQLite): keep a batch; expandSoon: build pending rows in the background; expand: build them all now. */
type Op = LogThreadCall['op'];

/**
 * A writer without calls for this long is stopped. Under traffic a batch comes every 3 s
 * (log-writer.ts), so the thread stays; starting a new one costs tens of milliseconds of
 * CPU on another thread, at most once per quiet spell.
 */
const IDLE_MS = 10_000;

export class LogWriterThread {
  /** Logs the thread dropped while building their rows in the background. */
  onDropped: ((count: number, error: Error) => void) | undefined;
  private worker: Worker | undefined;
  /** The thread's module, once found (the first call finds it). */
  private moduleUrl: URL | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Threads stopped for idleness: their exit fails nothing (the calls pending then are the next thread's). */
  private readonly retired = new WeakSet<Worker>();
  /** Threads that have not exited yet (a retired one until it has). */
  private readonly alive = new Set<Worker>();

  /** module: the thread's module in src/logs/; workerData: what it connects to. */
  constructor(private readonly module: string, private readonly workerData: unknown, private readonly idleMs = IDLE_MS) {}

  /** Whether a thread of this writer exists now, a stopping one included (tests). */
  get running(): boolean {
    return this.alive.size > 0;
  }

  /** insert's arg: a captured batch's bytes (transferred: a buffer of their own, see LogBatch.take) and maxDataSize. */
  call(op: Op, arg?: unknown): Promise<unknown> {
    clearTimeout(this.idleTimer);
    if (op === 'close' && !this.worker) return Promise.resolve(null);
    // Calls made before the module is found wait for it in the order they were made.
    if (!this.moduleUrl) return threadModuleUrl(import.meta.url, 'logs', this.module).then((url) => { this.moduleUrl = url; return this.call(op, arg); });
    const worker = this.start(this.moduleUrl);
    const id = ++this.nextId;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.ref();
    const bytes = (arg as { bytes?: unknown } | undefined)?.bytes;
    const transfer = bytes instanceof Uint8Array && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
    worker.postMessage({ id, op, arg }, transfer);
    return op === 'close' ? result.finally(() => this.stop()) : result;
  }

  private start(moduleUrl: URL): Worker {
    if (this.worker) return this.worker;
    // A small young generation: the builder makes a few KiB of strings per row, and an uncapped
    // young generation grows to tens of MiB of the server's memory for garbage it could scavenge sooner.
    const worker = new Worker(moduleUrl, { workerData: this.workerData, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 } });
    worker.unref();
    worker.on('message', (msg: { id: number; result?: unknown; error?: string; dropped?: number }) => {
      if (msg.dropped !== undefined) return this.onDropped?.(msg.dropped, new Error(msg.error));
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
    worker.on('message', (msg: { id: number }) => { if (msg.id === 0) void worker.terminate(); });
    worker.postMessage({ id: 0, op: 'close' });
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
