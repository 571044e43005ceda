/**
 * Automatic embeddings of one Galley instance (docs/ai.md): the lifecycle that marks
 * changed texts pending and enqueues their field's job, the `embed` job kind on the
 * durable queue (src/jobs), the backfill when a field's source or embedder changes,
 * a kick of the queue after a commit that enqueued work, and the progress per field.
 */
import type { RecordLifecycle } from '../core/records/record-lifecycle.js';
import type { RecordDeps } from '../core/records/deps.js';
import type { RecordChanges } from '../core/records/record-changes.js';
import type { CollectionChange, CollectionService } from '../core/collections/collection-service.js';
import type { CollectionModel } from '../core/collections/model.js';
import type { SettingsService } from '../core/settings/settings-service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Store } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { log } from '../logs/logger.js';
import { EMBED_JOB, embedJobKey, embeddingLifecycle, type EmbedPayload } from './embedding-lifecycle.js';
import { giveUpEmbedding, runEmbedding, type EmbeddingJobDeps } from './embedding-job.js';
import { sourceSignature, vectorSources } from './embedding-sources.js';
import { EmbeddingRows, type EmbeddingFailure } from './embedding-table.js';
import { ChunkRows, repairChunkTables } from './chunk-table.js';
import type { Collection } from '../core/collections/collection.js';
import { EmbedderError } from './embedders/embedder.js';

/** Failed records listed in a field's progress (the count covers them all). */
const LISTED_FAILURES = 20;

export interface FieldProgress {
  field: string; source: string; embedder: string; total: number; done: number; pending: number; failed: number;
  /** The newest failures, at most LISTED_FAILURES. */
  failures: EmbeddingFailure[];
}

export class EmbeddingService {
  readonly rows: EmbeddingRows;
  readonly chunks: ChunkRows;
  log: (message: string) => void = (message) => log.warn(message);

  constructor(
    private readonly store: Store, private readonly jobs: JobQueue, collections: CollectionService,
    settings: SettingsService, changes: RecordChanges, recordDeps: () => RecordDeps,
  ) {
    this.rows = new EmbeddingRows(store.dialect.name);
    this.chunks = new ChunkRows(store.dialect.name);
    const deps: EmbeddingJobDeps = { recordDeps, rows: this.rows, settings: async () => (await settings.get()).embeddings };
    jobs.register<EmbedPayload>(EMBED_JOB, {
      maxAttempts: 5,
      backoffMs: 5000,
      leaseMs: 120_000,
      run: async (job) => {
        try {
          await runEmbedding(deps, job);
        } catch (err) {
          // The embedder's own message is safe to keep; anything else is logged and summed up.
          if (err instanceof EmbedderError) throw err;
          this.log(`embedding ${job.payload.collection}/${job.payload.field}: ${(err as Error).message}`);
          throw new Error('an internal error stopped the embedding (details in the server log)');
        }
      },
      giveUp: (job, error) => giveUpEmbedding(deps, job, error),
    });
    collections.onChange(async (change) => {
      try {
        await this.backfill(change);
      } catch (err) {
        this.log(`could not start embedding existing records: ${(err as Error).message}`);
      }
    });
    // A commit that enqueued embeddings: run them now rather than at the next poll.
    changes.listen((list) => {
      if (list.some((c) => c.action !== 'delete' && !c.collection.isView && vectorSources(c.collection.model).length > 0)) this.jobs.kick();
    });
  }

  /** The record lifecycle with automatic embeddings around `inner`. */
  lifecycle(inner: RecordLifecycle): RecordLifecycle {
    return embeddingLifecycle(inner, this.jobs, this.rows, this.chunks);
  }

  /** Per vector field with a source: how many records are embedded, pending, failed. */
  async progress(model: CollectionModel): Promise<FieldProgress[]> {
    const out: FieldProgress[] = [];
    for (const s of vectorSources(model)) {
      const counts = await this.rows.progress(this.store, model.id, s.vector.id);
      const failures = counts.failed ? await this.rows.failures(this.store, model.id, s.vector.id, LISTED_FAILURES) : [];
      out.push({ field: s.vector.name, source: s.source.name, embedder: s.embedder, total: counts.done + counts.pending + counts.failed, ...counts, failures });
    }
    return out;
  }

  /**
   * At start and after a restore: chunk tables a collection lacks are created, and records
   * embedded without chunks are embedded again (chunk-table.ts). A failure is logged: search
   * then answers from what is there.
   */
  async repairChunks(collections: readonly Collection[]): Promise<void> {
    for (const collection of collections) {
      if (collection.isView || vectorSources(collection.model).length === 0) continue;
      try {
        const fields = await this.store.transaction(async (tx) => {
          const ids = await repairChunkTables(tx, collection);
          for (const field of ids) {
            const payload: EmbedPayload = { collection: collection.id, field };
            await this.jobs.enqueue(EMBED_JOB, payload, { key: embedJobKey(payload), db: tx });
          }
          return ids;
        });
        if (fields.length) this.jobs.kick();
      } catch (err) {
        this.log(`could not check the chunks of ${collection.name}: ${(err as Error).message}`);
      }
    }
  }

  /** A new or changed source (or embedder, or size): every record with text is embedded again; a removed one: its state goes. */
  private async backfill(change: CollectionChange): Promise<void> {
    const pairs: { old?: CollectionModel; model?: CollectionModel }[] =
      change.action === 'create' ? [{ model: change.model }]
        : change.action === 'update' ? [{ old: change.old, model: change.model }]
          : change.action === 'delete' ? [{ old: change.old }]
            : change.models.map((model) => ({ old: change.old.find((o) => o.id === model.id), model }));
    for (const { old, model } of pairs) {
      const before = new Map((old ? vectorSources(old) : []).map((s) => [s.vector.id, sourceSignature(s)]));
      const after = model ? vectorSources(model) : [];
      const collectionId = (model ?? old)!.id;
      for (const id of before.keys()) if (!after.some((s) => s.vector.id === id)) await this.rows.removeField(this.store, collectionId, id);
      for (const s of after) {
        if (before.get(s.vector.id) === sourceSignature(s)) continue;
        await this.store.transaction(async (tx) => {
          await this.rows.resetField(tx, model!.id, s.vector.id, quoteIdent(model!.name), quoteIdent(s.source.name));
          const payload: EmbedPayload = { collection: model!.id, field: s.vector.id };
          await this.jobs.enqueue(EMBED_JOB, payload, { key: embedJobKey(payload), db: tx });
        });
        this.jobs.kick();
      }
    }
  }
}
