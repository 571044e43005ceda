/**
 * `POST /api/collections/{c}/search` (docs/ai.md): the nearest records to a vector
 * (or to a text, embedded with the field's embedder), under the collection's list
 * rule. Answers a list envelope whose items carry `@distance`, most similar first.
 * `GET /api/collections/{c}/embeddings` (superusers): the automatic embeddings' progress.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { accessContext } from './access-context.js';
import { requireSuperuser } from './guards.js';
import { withSchemaRetry } from './schema-retry.js';
import { recordsJson } from './record-response.js';
import { applyFields } from '../server/fields-projection.js';
import { parseSearchRequest } from '../vectors/search-request.js';
import { searchNearest } from '../vectors/vector-search.js';
import { embedQueryText } from '../vectors/query-embedding.js';

export function registerVectorSearchRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.post('/api/collections/:c/search', (request) => withSchemaRetry(core, async () => {
    const collection = core.collections.find((request.params as { c: string }).c);
    if (!collection) throw new ApiError(404, 'Missing collection context.');
    const ctx = accessContext(request, core);
    const req = parseSearchRequest(collection, request.body, ctx.auth.isSuperuser);
    // A text is embedded before any database work (the embedder may be a remote call).
    const vector = req.vector ?? await embedQueryText(req.field, req.text!, core.settings.current().embeddings);
    // SQLite: the collection's data version, under which the in-memory copy of its vectors may answer.
    const stamp = core.store.dialect.name === 'sqlite' ? core.versions.localStamp([collection.id]) : undefined;
    const hits = await searchNearest(core.store, collection, { field: req.field, vector, k: req.k, filter: req.filter }, ctx, stamp);
    const items = await recordsJson(core.store, collection, hits.map((h) => h.row), ctx, req.expand);
    items.forEach((item, i) => { item['@distance'] = hits[i]!.distance; });
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
