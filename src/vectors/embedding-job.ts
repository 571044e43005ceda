/**
 * The embedding job (kind `embed`, one per vector field with a source; docs/ai.md):
 * takes the field's pending records in batches (the embedder's batch size), cuts each
 * source text into chunks (chunking.ts), embeds the chunks in calls of at most the
 * batch size, and writes each record's chunks with its vector (the first chunk's:
 * a short text is one chunk, its whole text) through the normal
 * record update as the system — hooks, realtime and webhooks see it — unless the text
 * changed meanwhile (then the record stays pending with its new text, and the next
 * batch takes it). An embedder failure throws, so the queue retries with backoff; when
 * it gives up, the field's pending records are marked failed with the reason.
 */
import type { RecordDeps } from '../core/records/deps.js';
import { findRecordById } from '../core/records/record-reader.js';
import { rowToValues } from '../core/records/serialize.js';
import { updateRecord } from '../core/records/record-writer.js';
import { systemAccess } from '../core/rules/rule-access.js';
import { SUPERUSER_SYSTEM } from '../core/auth/request-auth.js';
import type { Job } from '../jobs/job-queue.js';
import type { EmbeddingsSettings } from '../core/settings/embeddings-settings.js';
import { chunkOptions, vectorSources } from './embedding-sources.js';
import { asEmbedding, sourceText, StaleEmbedding, type EmbedPayload } from './embedding-lifecycle.js';
import { chunkText, type Chunk } from './chunking.js';
import { textHash, type EmbeddingRows } from './embedding-table.js';
import { embedderFor } from './embedders/embedders.js';
import { parseVector } from './vector-values.js';

export interface EmbeddingJobDeps {
  recordDeps(): RecordDeps;
  settings(): Promise<EmbeddingsSettings>;
  rows: EmbeddingRows;
}

const LOCAL_BATCH = 32;

export async function runEmbedding(deps: EmbeddingJobDeps, job: Job<EmbedPayload>): Promise<void> {
  const recordDeps = deps.recordDeps();
  const { store } = recordDeps;
  const collection = recordDeps.collections.find(job.payload.collection);
  const source = collection ? vectorSources(collection.model).find((s) => s.vector.id === job.payload.field) : undefined;
  if (!collection || !source) return; // the field or its source went away: nothing to do
  const settings = await deps.settings();
  const embedder = embedderFor(source.embedder, settings);
  const batch = source.embedder === 'openai' ? settings.openaiBatchSize : LOCAL_BATCH;
  const ctx = systemAccess(recordDeps.collections.registry, SUPERUSER_SYSTEM);
  for (;;) {
    job.signal.throwIfAborted();
    const pending = await deps.rows.pending(store, collection.id, source.vector.id, batch);
    if (pending.length === 0) return;
    const { size, overlap } = chunkOptions(source.vector);
    const items: { id: string; text: string; chunks: Chunk[] }[] = [];
    for (const p of pending) {
      const row = await findRecordById(store, collection, p.record);
      const text = row ? sourceText(source, rowToValues(collection, row)[source.source.name]) : '';
      if (!row || text.trim() === '') await deps.rows.remove(store, collection.id, source.vector.id, p.record);
      else items.push({ id: p.record, text, chunks: chunkText(text, size, overlap) });
    }
    if (items.length === 0) continue;
    // A few records of long texts make many chunks: they are embedded and written a group at a time (about `batch` chunks).
    for (const group of groupsOf(items, batch)) {
      // Every chunk of the batch's records, embedded in calls of at most `batch` texts.
      const texts = group.flatMap((i) => i.chunks.map((c) => c.text));
      const vectors: unknown[] = [];
      for (let at = 0; at < texts.length; at += batch) {
        const part = texts.slice(at, at + batch);
        const got = await embedder.embed(part, job.signal);
        // Position by position: an answer short of vectors leaves its own texts without one, not the next call's.
        for (let i = 0; i < part.length; i++) vectors.push(got[i]);
      }
      let next = 0;
      for (const item of group) {
        const mine = vectors.slice(next, (next += item.chunks.length));
        const parsed = mine.map((v) => parseVector(v, source.vector.dimensions as number));
        const bad = parsed.find((p) => !p || !p.ok);
        if (bad !== undefined || parsed.length === 0) {
          const reason = `the ${source.embedder} embedder's vector does not fit the field (${bad && !bad.ok ? bad.message : 'empty'})`;
          await deps.rows.set(store, collection.id, source.vector.id, item.id, textHash(item.text), 'failed', reason);
          continue;
        }
        const values = parsed.map((p) => (p as { values: number[] }).values);
        try {
          await asEmbedding(source.vector.name, textHash(item.text), { chunks: item.chunks, vectors: values },
            () => updateRecord(recordDeps, collection, item.id, { [source.vector.name]: values[0] }, ctx));
        } catch (err) {
          if (err instanceof StaleEmbedding) continue; // a newer text is pending: a later batch embeds it
          if ((err as { status?: number }).status === 404) { await deps.rows.remove(store, collection.id, source.vector.id, item.id); continue; }
          throw err;
        }
      }
    }
  }
}

/** Consecutive items whose chunks add up to at least `batch` (the last group may have fewer). */
function groupsOf<T extends { chunks: unknown[] }>(items: T[], batch: number): T[][] {
  const out: T[][] = [];
  let group: T[] = [];
  let n = 0;
  for (const item of items) {
    group.push(item);
    n += item.chunks.length;
    if (n >= batch) { out.push(group); group = []; n = 0; }
  }
  if (group.length) out.push(group);
  return out;
}

export async function giveUpEmbedding(deps: EmbeddingJobDeps, job: Job<EmbedPayload>, error: string): Promise<void> {
  await deps.rows.failPending(deps.recordDeps().store, job.payload.collection, job.payload.field, `gave up after ${job.attempt} attempts: ${error}`);
}
