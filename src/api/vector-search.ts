/**
 * `POST /api/collections/{c}/search` (docs/ai.md): the nearest records to a vector
 * (or to a text, embedded with the field's embedder), under the collection's list
 * rule. Answers a list envelope whose items carry `@distance`, most similar first, and
 * `@chunk` (the nearest chunk, by which the record is ranked) when the field is
 * embedded by chunks. `mode: "hybrid"` fuses that ranking with the full-text one
 * (vectors/hybrid-search.ts): items then carry `@score`, best first.
 * `GET /api/collections/{c}/embeddings` (superusers): the automatic embeddings' progress.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { accessContext } from './access-context.js';
import { requireSuperuser } from './guards.js';
import { withSchemaRetry } from './schema-retry.js';
import { recordsJson } from './record-response.js';
import { applyFields, parseFields } from '../server/fields-projection.js';
import type { Collection } from '../core/collections/collection.js';
import { parseSearchRequest } from '../vectors/search-request.js';
import { searchNearest } from '../vectors/vector-search.js';
import { embedQueryText } from '../vectors/query-embedding.js';
import { hasChunks, nearestByChunk, recordRows, type ChunkRef } from '../vectors/chunk-search.js';
import { candidatesFor, fullTextQuery, fullTextRanking, fullTextTarget, fuseRankings } from '../vectors/hybrid-search.js';
import type { Row, Store } from '../store/store.js';

/** One answer of a search before it becomes JSON. */
interface Ranked { row: Row; distance: number | null; chunk?: ChunkRef | null; score?: number }

export function registerVectorSearchRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.post('/api/collections/:c/search', (request) => withSchemaRetry(core, async () => {
    const collection = core.collections.find((request.params as { c: string }).c);
    if (!collection) throw new ApiError(404, 'Missing collection context.');
    const ctx = accessContext(request, core);
    const req = parseSearchRequest(collection, request.body, ctx.auth.isSuperuser);
    const hybrid = req.mode === 'hybrid';
    // A hybrid search on a collection without full-text search, or with a text that is no full-text query: 400 before any work.
    if (hybrid) { fullTextTarget(collection, ctx.auth.isSuperuser); fullTextQuery(req.text!); }
    // A text is embedded before any database work (the embedder may be a remote call).
    const vector = req.vector ?? await embedQueryText(req.field, req.text!, core.settings.current().embeddings);
    const chunked = hasChunks(collection, req.field);
    const depth = hybrid ? candidatesFor(req.k) : req.k;
    const query = { field: req.field, vector, k: depth, filter: req.filter };
    // SQLite: the collection's data version, under which the in-memory copy of its vectors (or chunks) may answer.
    const stamp = core.store.dialect.name === 'sqlite' ? core.versions.localStamp([collection.id]) : undefined;
    const hits: Ranked[] = chunked ? await nearestByChunk(core.store, collection, query, ctx, stamp) : await searchNearest(core.store, collection, query, ctx, stamp);
    const answers = hybrid ? await fuse(core.store, hits, await fullTextRanking(core.store, collection, req.text!, depth, req.filter, ctx), req.k, chunked, collection) : hits;
    // Vectors the answer leaves out (by `fields`) are not turned into numbers at all: hundreds per record.
    const dropped = vectorsLeftOut(collection, [req.fields, (request.query as Record<string, unknown>).fields]);
    for (const h of answers) for (const name of dropped) h.row[name] = null;
    const items = await recordsJson(core.store, collection, answers.map((h) => h.row), ctx, req.expand);
    items.forEach((item, i) => {
      const hit = answers[i]!;
      if (hybrid) item['@score'] = hit.score;
      item['@distance'] = hit.distance;
      if (chunked) item['@chunk'] = hit.chunk ?? null;
    });
    // The body's `fields` here; a `fields` query parameter is applied to each item on the way out, as for a list.
    const projected = req.fields ? items.map((item) => applyFields(item, req.fields, req.filter)) : items;
    return { page: 1, perPage: req.k, totalItems: -1, totalPages: -1, items: projected };
  }));

  app.get('/api/collections/:c/embeddings', async (request) => {
    requireSuperuser(request);
    const collection = core.collections.find((request.params as { c: string }).c);
    if (!collection) throw new ApiError(404, 'Missing collection context.');
    return { fields: await core.embeddings.progress(collection.model) };
  });
}

/**
 * Reciprocal rank fusion of the vector ranking (hits) and the full-text one (ids): the k
 * best; a record found by full-text search only is read here, and has no distance or chunk.
 */
async function fuse(store: Store, hits: Ranked[], fullText: string[], k: number, chunked: boolean, collection: Collection): Promise<Ranked[]> {
  const byId = new Map(hits.map((h) => [String(h.row.id), h]));
  const fused = fuseRankings([hits.map((h) => String(h.row.id)), fullText]).slice(0, k);
  const missing = await recordRows(store, collection, fused.map(([id]) => id).filter((id) => !byId.has(id)));
  const out: Ranked[] = [];
  for (const [id, score] of fused) {
    const hit = byId.get(id);
    if (hit) out.push({ ...hit, score });
    else {
      const row = missing.get(id);
      if (row) out.push({ row, distance: null, ...(chunked ? { chunk: null } : {}), score }); // deleted since it was ranked: left out
    }
  }
  return out;
}

/** The vector fields no `fields` projection of the request keeps (each projection applies in turn). */
function vectorsLeftOut(collection: Collection, projections: unknown[]): string[] {
  const vectors = collection.fields.filter((f) => f.model.type === 'vector').map((f) => f.model.name);
  const out = new Set<string>();
  for (const p of projections) {
    if (typeof p !== 'string' || p === '') continue;
    const tree = parseFields(p);
    if (tree.children.size === 0 || tree.children.has('*')) continue;
    for (const name of vectors) if (!tree.children.has(name)) out.add(name);
  }
  return [...out];
}
