/**
 * Batched, fire-and-forget log writes: entries wait in memory and go to the store in
 * one statement per batch (every 200 entries, 3 s after the first of a batch, and at
 * close), as PocketBase batches its logs. Each entry is encoded for the store when it
 * arrives (its id, date, data size cap and JSON), into the batch's off-heap buffer
 * (log-batch.ts), so nothing of it stays on the heap for the GC to copy.
 *
 * A failing or stuck store never blocks a caller: one write at a time, and batches
 * that arrive meanwhile wait in a queue; beyond MAX_QUEUED entries new ones are
 * dropped and counted. Failures are reported on stdout at most once a minute.
 */
import { randomFillSync } from 'node:crypto';
import type { LogStore } from './log-store.js';
import { LogBatch, type EncodedLogs } from './log-batch.js';
import { limitData, limitDataJson } from './log-data.js';

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
/** PocketBase's cap on a log message (its data is capped by maxDataSize). */
const MAX_MESSAGE_LENGTH = 8000;

export class LogWriter {
  private batch = new LogBatch();
  private timer: NodeJS.Timeout | undefined;
  /** Handed over, waiting for the store. */
  private queue: EncodedLogs[] = [];
  private queued = 0;
  private writing: Promise<void> | undefined;
  private dropped = 0;
  private failures = 0;
  private lastError = '';
  private lastReport = 0;
  private readonly batchSize: number;
  private readonly intervalMs: number;

  constructor(private readonly store: LogStore, private readonly options: LogWriterOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.intervalMs = options.intervalMs ?? 3000;
  }

  /** Logs waiting to be written: the open batch and the queue behind the write in progress (metrics). */
  get waiting(): number {
    return this.batch.count + this.queued;
  }

  push(entry: PendingLog): void {
    const message = entry.message.length > MAX_MESSAGE_LENGTH ? entry.message.slice(0, MAX_MESSAGE_LENGTH) : entry.message;
    const maxDataSize = this.options.maxDataSize?.() ?? 0;
    const data = typeof entry.data === 'string'
      ? limitDataJson(entry.data, maxDataSize)
      : JSON.stringify(limitData(entry.data, maxDataSize, entry.sizeHint));
    this.batch.add(this.store.encode({ id: logId(entry.time), created: formatTime(entry.time), level: entry.level, message, data }));
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
      const batch = this.batch.take();
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
          await this.store.insertEncoded(batch);
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

let cachedSecond = -1;
let cachedPrefix = '';

/** `YYYY-MM-DD HH:MM:SS.sssZ` (PocketBase's form); the part up to the second is formatted once per second. */
function formatTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20).replace('T', ' ');
  }
  return `${cachedPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_CHARS = 6;
/** Random bytes drawn 4 KiB at a time (one call per ~680 ids instead of one per id). */
const randomPool = Buffer.allocUnsafeSlow(4096);
let randomAt = randomPool.length;
/** The time part of the last id (logs of one millisecond share it). */
let idTime = -1;
let idPrefix = '';

/**
 * A 15-character [a-z0-9] id (PocketBase's form): the time in milliseconds in base 36
 * (9 characters until the year 5188), then 6 random characters. Ids that grow with
 * time are appended at the end of the primary key's index instead of at random
 * places in it, which halves the cost of inserting a log (measured). The random
 * part: a byte modulo 36 (the slight bias does not matter for a log id).
 */
function logId(time: number): string {
  if (randomAt + RANDOM_CHARS > randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  if (time !== idTime) {
    idTime = time;
    idPrefix = time.toString(36).padStart(9, '0');
  }
  let id = idPrefix;
  for (let i = 0; i < RANDOM_CHARS; i++) id += ID_ALPHABET[randomPool[randomAt++]! % 36];
  return id;
}
