/**
 * Batched, fire-and-forget log writes: entries wait in memory and go to the store in
 * one statement per batch (every 1,000 entries, 3 s after the first of a batch, and at
 * close), as PocketBase batches its logs (it takes 200: a batch here is one blob write,
 * and at thousands of requests a second five times fewer of them cost measurably
 * less). Each entry is captured as bytes into the batch's off-heap buffer
 * (log-batch.ts); its row is built where the batch is written.
 *
 * A failing or stuck store never blocks a caller: one write at a time, and batches
 * that arrive meanwhile wait in a queue; beyond MAX_QUEUED entries new ones are
 * dropped and counted. Failures are reported on stdout at most once a minute.
 */
import type { LogStore } from './log-store.js';
import { LogBatch, type CapturedLogs, type RequestLogFields } from './log-batch.js';
import { limitData } from './log-data.js';

export interface PendingLog {
  level: number;
  message: string;
  /** Attributes, or their JSON text (request logs write it directly). */
  data: Record<string, unknown> | string;
  /** Date.now() when it happened. */
  time: number;
  /** An upper bound of the data's JSON length when known cheaply (see limitData). */
  sizeHint?: number | undefined;
}

export interface LogWriterOptions {
  batchSize?: number;
  intervalMs?: number;
  /** The `logs.maxDataSize` setting (0: 16 KiB). */
  maxDataSize?: () => number;
  /** Where failures are reported (rate-limited here). */
  report: (message: string) => void;
}

const MAX_QUEUED = 10_000;
const REPORT_EVERY_MS = 60_000;

export class LogWriter {
  private batch = new LogBatch();
  private timer: NodeJS.Timeout | undefined;
  /** Handed over, waiting for the store. */
  private queue: CapturedLogs[] = [];
  private queued = 0;
  private writing: Promise<void> | undefined;
  private dropped = 0;
  private failures = 0;
  private lastError = '';
  private lastReport = 0;
  private readonly batchSize: number;
  private readonly intervalMs: number;

  constructor(private readonly store: LogStore, private readonly options: LogWriterOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.intervalMs = options.intervalMs ?? 3000;
    store.whenDropped?.((count, err) => {
      this.dropped += count;
      this.failed(err);
    });
  }

  /** Logs waiting to be written: the open batch and the queue behind the write in progress (metrics). */
  get waiting(): number {
    return this.batch.count + this.queued;
  }

  push(entry: PendingLog): void {
    // Attributes are cut to size here, while they are objects (a JSON text is cut when its row is built).
    const data = typeof entry.data === 'string' ? entry.data : JSON.stringify(limitData(entry.data, this.maxDataSize(), entry.sizeHint));
    this.batch.addLog(entry.time, entry.level, entry.message, data);
    this.added();
  }

  /** A request's log, from its fields (the request path's one call: see log-batch.ts). */
  pushRequest(fields: RequestLogFields): void {
    this.batch.addRequest(fields);
    this.added();
  }

  private maxDataSize(): number {
    return this.options.maxDataSize?.() ?? 0;
  }

  private added(): void {
    if (this.batch.count >= this.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref(); // a pending batch alone does not keep the process alive (close() flushes it)
    }
  }

  /** Writes what is waiting; resolves when everything handed over so far is written (or failed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.count > 0) {
      const batch = this.batch.take(this.maxDataSize());
      if (this.queued + batch.count > MAX_QUEUED) {
        this.dropped += batch.count;
        this.failed(new Error('the log store is not keeping up'));
      } else {
        this.queue.push(batch);
        this.queued += batch.count;
      }
    }
    // (drain() only when there is something to write: run on an empty queue it would finish synchronously.)
    if (!this.writing && this.queue.length > 0) this.writing = this.drain();
    return this.writing ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.shift()!;
        this.queued -= batch.count;
        try {
          await this.store.insertCaptured(batch);
        } catch (err) {
          this.dropped += batch.count;
          this.failed(err);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private failed(err: unknown): void {
    this.failures++;
    this.lastError = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    if (now - this.lastReport < REPORT_EVERY_MS) return;
    this.lastReport = now;
    this.options.report(`log store write failed ${this.failures} time(s), ${this.dropped} log(s) dropped: ${this.lastError}`);
    this.failures = 0;
    this.dropped = 0;
  }
}
