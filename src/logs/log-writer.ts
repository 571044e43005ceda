/**
 * Batched, fire-and-forget log writes: entries wait in memory and go to the store in
 * one statement per batch (every 200 entries, 3 s after the first of a batch, and at
 * close), as PocketBase batches its logs. Everything costly (ids, dates, JSON, the
 * data size cap) happens at flush time, off the request path.
 *
 * A failing or stuck store never blocks a caller: batches are written one after
 * another, at most MAX_PENDING_BATCHES wait, and beyond that entries are dropped and
 * counted. Failures are reported on stdout at most once a minute.
 */
import { randomBytes } from 'node:crypto';
import type { LogRow, LogStore } from './log-store.js';
import { limitData } from './log-data.js';

export interface PendingLog {
  level: number;
  message: string;
  data: Record<string, unknown>;
  /** Date.now() when it happened. */
  time: number;
  /** An upper bound of the data's JSON length when known cheaply (see limitData). */
  sizeHint?: number;
}

export interface LogWriterOptions {
  batchSize?: number;
  intervalMs?: number;
  /** The `logs.maxDataSize` setting (0: 16 KiB), read at flush time. */
  maxDataSize?: () => number;
  /** Where failures are reported (rate-limited here). */
  report: (message: string) => void;
}

const MAX_PENDING_BATCHES = 20;
const REPORT_EVERY_MS = 60_000;
/** PocketBase's cap on a log message (its data is capped by maxDataSize). */
const MAX_MESSAGE_LENGTH = 8000;

export class LogWriter {
  private batch: PendingLog[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
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

  push(entry: PendingLog): void {
    this.batch.push(entry);
    if (this.batch.length >= this.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref(); // a pending batch alone does not keep the process alive (close() flushes it)
    }
  }

  /** Writes what is waiting; resolves when every batch handed over so far is written (or failed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    if (batch.length === 0) return this.chain;
    this.batch = [];
    if (this.pending >= MAX_PENDING_BATCHES) {
      this.dropped += batch.length;
      this.failed(new Error('the log store is not keeping up'));
      return this.chain;
    }
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        await this.store.insert(this.rows(batch));
      } catch (err) {
        this.dropped += batch.length;
        this.failed(err);
      } finally {
        this.pending--;
      }
    });
    return this.chain;
  }

  private rows(batch: PendingLog[]): LogRow[] {
    const maxDataSize = this.options.maxDataSize?.() ?? 0;
    const random = randomBytes(batch.length * RANDOM_CHARS);
    return batch.map((e, i) => ({
      id: logId(e.time, random, i * RANDOM_CHARS),
      created: formatTime(e.time),
      level: e.level,
      message: e.message.length > MAX_MESSAGE_LENGTH ? e.message.slice(0, MAX_MESSAGE_LENGTH) : e.message,
      data: limitData(e.data, maxDataSize, e.sizeHint),
    }));
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

/**
 * A 15-character [a-z0-9] id (PocketBase's form): the time in milliseconds in base 36
 * (9 characters until the year 5188), then 6 random characters. Ids that grow with
 * time are appended at the end of the primary key's index instead of at random
 * places in it, which halves the cost of inserting a log (measured). The random
 * part: a byte modulo 36 (the slight bias does not matter for a log id).
 */
function logId(time: number, random: Buffer, offset: number): string {
  let id = time.toString(36).padStart(9, '0');
  for (let i = offset; i < offset + RANDOM_CHARS; i++) id += ID_ALPHABET[random[i]! % 36];
  return id;
}
