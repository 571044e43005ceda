/**
 * Automatic embeddings, the write side: a RecordLifecycle wrapped around the others
 * that, for a collection with vector sources, keeps each managed vector as stored
 * (clients do not write it) and, when the source text's hash differs from the one
 * last embedded, marks the record pending in `_embeddings` and enqueues the field's
 * embedding job — in the write's own transaction, so a committed text always has its
 * job. An emptied text clears the vector.
 *
 * The job writes a vector through the same path inside `asEmbedding`, which lets it
 * through only while the source text is still the one it embedded (checked against the
 * row read in the write's transaction): a newer text is never given a stale vector.
 * The text's chunks are written in that same transaction (chunk-table.ts); they go
 * with the record, and with its text when that is emptied.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Collection } from '../core/collections/collection.js';
import type { RecordLifecycle } from '../core/records/record-lifecycle.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { vectorSources, type VectorSource } from './embedding-sources.js';
import { textHash, type EmbeddingRows } from './embedding-table.js';
import type { ChunkRows } from './chunk-table.js';
import type { Chunk } from './chunking.js';

type Values = Record<string, unknown>;

export const EMBED_JOB = 'embed';

/** The job sweeps the pending records of one vector field (ids survive renames). */
export interface EmbedPayload { collection: string; field: string }

export const embedJobKey = (p: EmbedPayload) => `${p.collection}/${p.field}`;

/** The source text as embedded: an editor's HTML without its tags. */
export function sourceText(source: VectorSource, value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return source.source.type === 'editor' ? text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim() : text;
}

/** The embedded chunks of a text and their vectors (the record's vector is the first one's). */
export interface EmbeddedChunks { chunks: Chunk[]; vectors: number[][] }

interface EmbeddingWrite { field: string; hash: string; embedded: EmbeddedChunks }
const embeddingWrite = new AsyncLocalStorage<EmbeddingWrite>();

/** The text changed since the job read it. */
export class StaleEmbedding extends Error {}

/** Runs `fn` (a record update) as the embedding job's write of a vector field, for a text of this hash and its chunks. */
export function asEmbedding<T>(vectorField: string, hash: string, embedded: EmbeddedChunks, fn: () => Promise<T>): Promise<T> {
  return embeddingWrite.run({ field: vectorField, hash, embedded }, fn);
}

export function embeddingLifecycle(inner: RecordLifecycle, queue: JobQueue, rows: EmbeddingRows, chunks: ChunkRows): RecordLifecycle {
  const sourcesOf = (c: Collection) => (c.isView ? [] : vectorSources(c.model));
  return {
    has: (action, c) => inner.has(action, c) || sourcesOf(c).length > 0,
    around: async (action, collection, record, original, deps, execute) => {
      const sources = sourcesOf(collection);
      if (!sources.length) return inner.around(action, collection, record, original, deps, execute);
      const run = async (final: Values) => {
        const id = String(final.id ?? original?.id);
        if (action === 'delete') {
          await execute(final);
          await rows.removeRecord(deps.store, collection.id, id);
          await chunks.removeRecord(deps.store, collection.model, id);
          return;
        }
        const own = embeddingWrite.getStore();
        const work: { source: VectorSource; hash: string | null }[] = [];
        for (const source of sources) {
          const text = sourceText(source, final[source.source.name]);
          const hash = text.trim() === '' ? null : textHash(text);
          if (own && own.field === source.vector.name) {
            // The job's vector: only for the text it embedded (the row is locked by this transaction).
            if (hash !== own.hash) throw new StaleEmbedding();
            work.push({ source, hash: own.hash });
            continue;
          }
          final[source.vector.name] = original?.[source.vector.name] ?? null;
          if (hash === null) final[source.vector.name] = null;
          if (original && sourceText(source, original[source.source.name]) === text) continue;
          work.push({ source, hash });
        }
        await execute(final);
        for (const { source, hash } of work) {
          const field = source.vector.id;
          if (own && own.field === source.vector.name) {
            await chunks.replace(deps.store, collection, field, id, own.embedded.chunks, own.embedded.vectors);
            await rows.set(deps.store, collection.id, field, id, hash, 'done');
            continue;
          }
          if (hash === null) {
            await rows.remove(deps.store, collection.id, field, id);
            await chunks.removeRecord(deps.store, collection.model, id, field);
            continue;
          }
          const row = await rows.get(deps.store, collection.id, field, id);
          if (row?.status === 'done' && row.hash === hash) continue; // this very text has its vector already
          await rows.set(deps.store, collection.id, field, id, hash, 'pending');
          const payload: EmbedPayload = { collection: collection.id, field };
          await queue.enqueue(EMBED_JOB, payload, { key: embedJobKey(payload), db: deps.store });
        }
      };
      if (inner.has(action, collection)) return inner.around(action, collection, record, original, deps, run);
      await run(record);
      return record;
    },
    failed: (action, collection, record, error) => inner.failed(action, collection, record, error),
  };
}
