/**
 * Retrieval for the ask endpoint (docs/ai.md, "Answers"): the question embedded with
 * the vector field's embedder, then the k chunks of its source texts nearest to it
 * among the records the caller may see (the list rule and the filter select the
 * records before anything is ranked: src/vectors/chunk-search.ts). Each chunk is a
 * passage, with its offsets into the source text and its page.
 */
import type { Collection } from '../core/collections/collection.js';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { accessCondition, type AccessContext } from '../core/rules/rule-access.js';
import type { VectorSource } from '../vectors/embedding-sources.js';
import { embedQueryText } from '../vectors/query-embedding.js';
import { nearestChunks } from '../vectors/chunk-search.js';
import { searchAccess } from '../vectors/vector-search.js';
import { SqlParams } from '../core/filter/sql-params.js';

/** A piece of a record's text given to the model, and the citation it becomes. */
export interface Passage {
  recordId: string;
  collectionId: string;
  /** The source text field the passage comes from. */
  field: string;
  /** Character offsets into the source text (an editor's text without its tags). */
  start: number;
  end: number;
  /** 1-based page of an extracted document; null for text without pages. */
  page: number | null;
  text: string;
  /** The vector distance to the question. */
  distance: number;
}

export interface RetrieveQuery {
  source: VectorSource;
  question: string;
  k: number;
  filter: string;
}

export async function retrievePassages(core: GalleyCore, collection: Collection, query: RetrieveQuery, ctx: AccessContext): Promise<Passage[]> {
  const field = collection.field(query.source.vector.name)!;
  // The access and the filter are checked before the embedder (maybe a paid call) runs:
  // a 403 or a bad filter costs nothing. Compiling is pure and cached for the search itself.
  accessCondition(collection, searchAccess(collection, query.filter, ctx), ctx, new SqlParams(collection.dialect), query.filter);
  let vector: number[];
  try {
    vector = await embedQueryText(field, query.question, core.settings.current().embeddings);
  } catch (err) {
    // A 400 of the search endpoint (under `text`); here the embedder is an outside service that failed.
    if (err instanceof ApiError && err.status === 400) {
      const detail = Object.values(err.data)[0] as { message?: string } | undefined;
      throw new ApiError(502, `The question could not be embedded: ${detail?.message ?? err.message}`);
    }
    throw err;
  }
  // SQLite: the collection's data version, under which the in-memory copy of its chunk vectors may answer.
  const stamp = core.store.dialect.name === 'sqlite' ? core.versions.localStamp([collection.id]) : undefined;
  const hits = await nearestChunks(core.store, collection, { field, vector, k: query.k, filter: query.filter }, ctx, stamp);
  const name = query.source.source.name;
  const passages: Passage[] = [];
  for (const { recordId, chunk, distance } of hits) {
    if (chunk.text === '') continue;
    passages.push({ recordId, collectionId: collection.id, field: name, start: chunk.start, end: chunk.end, page: chunk.page, text: chunk.text, distance });
  }
  return passages;
}
