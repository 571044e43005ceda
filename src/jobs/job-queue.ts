/**
 * The durable job queue (docs/jobs.md): features register a handler per job kind and
 * enqueue jobs, inside their own transaction when the job must commit with a write.
 * A started queue polls `_jobs` every `pollMs` (and at once when kicked), claims due
 * jobs of the kinds it has handlers for, up to each kind's concurrency, and runs them
 * off the request path with no transaction open. While a job runs its lease is
 * extended; a job whose instance died is claimed again once its lease has expired. A
 * handler that throws is retried after an exponential backoff until `maxAttempts`;
 * then `giveUp` (if any) is told and the job ends `failed`.
 */
import { Poller } from '../core/poller.js';
import type { Executor, Store } from '../store/store.js';
import { JobStore, type JobRow } from './job-store.js';
import { ensureJobsTable } from './job-table.js';

export interface Job<P = unknown> {
  id: string;
  kind: string;
  key: string | null;
  payload: P;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the queue stops or the lease was lost: stop work and throw. */
  signal: AbortSignal;
}

export interface JobKind<P = unknown> {
  run(job: Job<P>): Promise<void>;
  /** After the last attempt failed (or a lease expired on it): the job ends `failed`. */
  giveUp?(job: Job<P>, error: string): Promise<void>;
  /** Jobs of this kind running at once on one instance (default 1). */
  concurrency?: number;
  /** Default 5. */
  maxAttempts?: number;
  /** Wait before the 2nd attempt, doubled for each next one (default 5 s), up to maxBackoffMs (default 1 h). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claim lasts without being extended (default 60 s; extended every third of it). */
  leaseMs?: number;
}

export interface EnqueueOptions {
  /** Dedupe: a queued job of the same kind and key is replaced (its payload and time updated). */
  key?: string;
  /** Run no earlier than this delay from now. */
  delayMs?: number;
  /** The transaction to write the job in, so it commits (or rolls back) with the caller's writes. */
  db?: Executor;
}

export interface QueueOptions {
  pollMs: number;
  /** Done jobs are kept this long, failed ones keepFailedMs (for inspection). */
  keepDoneMs: number;
  keepFailedMs: number;
}

const MAX_ERROR = 1000;
const PRUNE_EVERY_MS = 10 * 60_000;

export class JobQueue {
  readonly jobs: JobStore;
  private readonly kinds = new Map<string, JobKind<any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  private readonly running = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly poller = new Poller(() => this.poll());
  private abort = new AbortController();
  private lastPrune = 0;
  private ready: Promise<void> | undefined;
  options: QueueOptions = { pollMs: 1000, keepDoneMs: 86_400_000, keepFailedMs: 7 * 86_400_000 };
  log: (message: string) => void = () => {};

  constructor(private readonly store: Store) {
    this.jobs = new JobStore(store);
  }

  /** Creates the table once per process. */
  init(): Promise<void> {
    this.ready ??= ensureJobsTable(this.store).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Handles jobs of `kind` on this instance (replacing an earlier handler). */
  register<P>(kind: string, handler: JobKind<P>): void {
    this.kinds.set(kind, handler);
    this.kick();
  }

  unregister(kind: string): void {
    this.kinds.delete(kind);
  }

  /** Adds a job; returns its id (the queued job's id when the key deduplicated it). */
  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    await this.init();
    const maxAttempts = this.kinds.get(kind)?.maxAttempts ?? 5;
    const job = { kind, payload, key: options.key, maxAttempts, runAt: Date.now() + (options.delayMs ?? 0) };
    // On SQLite a RETURNING statement must run on the writer: in a transaction.
    const id = options.db ? await this.jobs.enqueue(options.db, job) : await this.store.transaction((tx) => this.jobs.enqueue(tx, job));
    // Outside a caller's transaction it is visible now; inside one, the caller kicks after its commit (or the next poll finds it).
    if (!options.db) this.kick();
    return id;
  }

  /** Starts claiming and running jobs (a serving instance). */
  start(options: Partial<QueueOptions> = {}): void {
    if (this.poller.started) return;
    this.options = { ...this.options, ...options };
    this.abort = new AbortController();
    this.poller.start(this.options.pollMs);
  }

  get started(): boolean {
    return this.poller.started;
  }

  /** Looks for due jobs now (or right after the current pass). */
  kick(): void {
    this.poller.kick();
  }

  /** Stops claiming; running handlers are aborted and awaited, their jobs due again at once for any instance. */
  async stop(): Promise<void> {
    const stopped = this.poller.stop();
    this.abort.abort();
    await stopped;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves once no job is running (on any instance) and none is due (tests, benchmarks). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.poller.current;
      await Promise.allSettled([...this.inFlight]);
      const due = await this.store.get(
        `SELECT count(*) AS "n" FROM "_jobs" WHERE "status" = 'running' OR ("status" = 'queued' AND "runAt" <= ${this.store.dialect.placeholder(1)})`, [Date.now()]);
      if (Number(due?.n ?? 0) === 0 && this.inFlight.size === 0 && !this.poller.current) return;
      if (Date.now() > until) throw new Error('jobs still due after the timeout');
      await new Promise((r) => setTimeout(r, 50));
      this.kick();
    }
  }

  private async poll(): Promise<void> {
    try {
      await this.init();
      await this.prune();
      if (!(await this.jobs.anyDue([...this.kinds.keys()]))) return;
      for (const [kind, handler] of this.kinds) {
        if (!this.poller.started) return;
        const free = (handler.concurrency ?? 1) - (this.running.get(kind) ?? 0);
        if (free <= 0) continue;
        const claimed = await this.jobs.claim([kind], free, handler.leaseMs ?? 60_000);
        for (const row of claimed) this.launch(row, handler);
      }
    } catch (err) {
      if (this.poller.started) this.log(`jobs: ${(err as Error).message}`);
    }
  }

  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.jobs.prune(now - this.options.keepDoneMs, now - this.options.keepFailedMs);
  }

  private launch(row: JobRow, handler: JobKind<unknown>): void {
    this.running.set(row.kind, (this.running.get(row.kind) ?? 0) + 1);
    const done = this.execute(row, handler)
      .catch((err: unknown) => this.log(`job ${row.kind} ${row.id}: ${(err as Error).message}`))
      .finally(() => {
        this.running.set(row.kind, (this.running.get(row.kind) ?? 1) - 1);
        this.inFlight.delete(done);
        // A slot is free: more jobs of this kind may be waiting.
        this.kick();
      });
    this.inFlight.add(done);
  }

  private async execute(row: JobRow, handler: JobKind<unknown>): Promise<void> {
    const lost = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, lost.signal]);
    const job: Job = { id: row.id, kind: row.kind, key: row.key, payload: row.payload, attempt: row.attempts, maxAttempts: row.maxAttempts, signal };
    if (row.attempts > row.maxAttempts) {
      // Its lease expired on the last attempt (the instance died or hung running it): not tried again.
      const error = row.lastError ?? 'the job did not finish within its lease';
      await handler.giveUp?.(job, error);
      await this.jobs.finish(row, 'failed', error);
      return;
    }
    const leaseMs = handler.leaseMs ?? 60_000;
    const renew = setInterval(() => {
      this.jobs.extend(row, leaseMs).then((kept) => { if (!kept) lost.abort(); }, () => {});
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    renew.unref();
    let error: string | undefined;
    try {
      await handler.run(job);
    } catch (err) {
      error = String((err as Error)?.message ?? err).slice(0, MAX_ERROR) || 'failed';
    } finally {
      clearInterval(renew);
    }
    if (this.abort.signal.aborted && error !== undefined) {
      // Stopping: not the job's fault; due again at once for whichever instance is running (the attempt is given back).
      await this.jobs.release(row).catch(() => {});
      return;
    }
    if (error === undefined) {
      await this.jobs.finish(row, 'done', null);
      return;
    }
    if (row.attempts >= row.maxAttempts) {
      await handler.giveUp?.(job, error);
      await this.jobs.finish(row, 'failed', error);
      return;
    }
    const base = handler.backoffMs ?? 5000;
    const delay = Math.min(base * 2 ** (row.attempts - 1), handler.maxBackoffMs ?? 3_600_000);
    await this.jobs.retry(row, Date.now() + delay, error);
  }
}
