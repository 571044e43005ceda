/**
 * Text extraction of one Galley instance (docs/documents.md): the lifecycle that marks
 * uploads pending and enqueues their jobs, the `extractText` job kind on the durable
 * queue (src/jobs), the pool of extraction threads, and a kick of the queue after a
 * commit that enqueued work.
 */
import type { RecordLifecycle } from '../core/records/record-lifecycle.js';
import type { RecordDeps } from '../core/records/deps.js';
import type { RecordChanges } from '../core/records/record-changes.js';
import type { FileService } from '../files/file-service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { ExtractorPool, type PoolOptions } from './extractor-pool.js';
import { EXTRACT_JOB, extractionLifecycle, type ExtractPayload } from './extraction-lifecycle.js';
import { markFailed, runExtraction } from './extraction-job.js';
import { extractionSources } from './extraction-options.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './formats/limits.js';
import { log } from '../logs/logger.js';
import type { CollectionService } from '../core/collections/collection-service.js';
import { BACKFILL_JOB, backfillsFor, runBackfill, type BackfillPayload } from './extraction-backfill.js';

export interface ExtractionOptions {
  /** Files extracted at once on this instance (one thread each). */
  concurrency: number;
  /** Files larger than this are not extracted (failed). */
  maxFileBytes: number;
  /** Heap of an extraction thread, MiB. */
  memoryMb: number;
  /** Time for one file, ms. */
  timeoutMs: number;
  limits: ExtractLimits;
}

export const DEFAULT_EXTRACTION_OPTIONS: ExtractionOptions = {
  concurrency: 1,
  maxFileBytes: 100 * 1024 * 1024,
  memoryMb: 256,
  timeoutMs: 60_000,
  limits: DEFAULT_EXTRACT_LIMITS,
};

export class ExtractionService {
  readonly pool: ExtractorPool;
  options: ExtractionOptions = { ...DEFAULT_EXTRACTION_OPTIONS };
  log: (message: string) => void = (message) => log.warn(message);

  constructor(
    private readonly jobs: JobQueue, private readonly files: FileService, changes: RecordChanges, private readonly recordDeps: () => RecordDeps,
    collections?: CollectionService,
  ) {
    this.pool = new ExtractorPool(this.poolOptions());
    this.register();
    // Files uploaded before the option was set: extracted by a backfill job.
    collections?.onChange(async (change) => {
      try {
        for (const payload of backfillsFor(change)) await this.jobs.enqueue(BACKFILL_JOB, payload, { key: `${payload.collection}/${payload.field}` });
      } catch (err) {
        this.log(`could not enqueue the extraction of existing files: ${(err as Error).message}`);
      }
    });
    // A commit with extraction jobs: run them now rather than at the next poll.
    changes.listen((list) => {
      if (list.some((c) => c.action !== 'delete' && !c.collection.isView && extractionSources(c.collection.model).length > 0)) this.jobs.kick();
    });
  }

  /** The record lifecycle with extraction around `inner` (hooks and webhooks). */
  lifecycle(inner: RecordLifecycle): RecordLifecycle {
    return extractionLifecycle(inner, this.jobs);
  }

  /** Changes the limits (tests, embedding programs); the job kind is registered again with the new concurrency. */
  configure(options: Partial<ExtractionOptions>): void {
    this.options = { ...this.options, ...options };
    this.pool.reconfigure(this.poolOptions());
    this.register();
  }

  private poolOptions(): PoolOptions {
    const o = this.options;
    return { memoryMb: o.memoryMb, timeoutMs: o.timeoutMs, keepThreads: o.concurrency, limits: o.limits };
  }

  private register(): void {
    const deps = { recordDeps: this.recordDeps, files: this.files, pool: this.pool, maxFileBytes: () => this.options.maxFileBytes, log: (m: string) => this.log(m) };
    this.jobs.register<ExtractPayload>(EXTRACT_JOB, {
      concurrency: this.options.concurrency,
      maxAttempts: 5,
      backoffMs: 5000,
      // A file may take up to timeoutMs; the lease is extended while it runs anyway.
      leaseMs: Math.max(60_000, this.options.timeoutMs),
      run: (job) => runExtraction(deps, job),
      giveUp: (job, error) => markFailed(deps, job, error),
    });
    this.jobs.register<BackfillPayload>(BACKFILL_JOB, { leaseMs: 120_000, run: (job) => runBackfill(this.recordDeps(), this.jobs, job) });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
