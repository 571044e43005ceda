/** The collections API (API spec 4.5), superusers only. */
import { answeredNotModified, schemaETag } from './http-cache.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { badRequest } from '../core/errors.js';
import { publicCollection, type CollectionModel } from '../core/collections/model.js';
import { newCollection } from '../core/collections/defaults.js';
import { truncateCollection } from '../core/records/record-deleter.js';
import { readBody } from '../server/body.js';
import { filterDefinitions } from '../core/collections/filter-collections.js';
import { requireSuperuser } from './guards.js';
import { cleanupAfterSchemaChange, snapshotFileFields } from '../files/schema-cleanup.js';
import { parseListParams } from './list-params.js';

type Params = { c: string };
const SORTABLE = new Set(['id', 'created', 'updated', 'name', 'system', 'type']);

export function registerCollectionRoutes(app: FastifyInstance, core: GalleyCore): void {
  const deps = core.recordDeps;

  const su = { preHandler: async (request: FastifyRequest) => requireSuperuser(request) };

  /** Runs a schema change, then removes the files of deleted collections and file fields (docs/files.md). */
  const withFileCleanup = async <T>(change: () => Promise<T>): Promise<T> => {
    const before = snapshotFileFields(core.collections);
    const result = await change();
    await cleanupAfterSchemaChange(core.files, core.store, core.collections, before);
    return result;
  };

  app.get('/api/collections', su, async (request, reply) => {
    if (answeredNotModified(request, reply, schemaETag(core, request))) return reply;
    const params = parseListParams(request.query as Record<string, unknown>);
    let models = core.collections.registry.all().map((c) => c.model);
    if (params.filter.trim() !== '') models = await filterDefinitions(core.store, models, params.filter);
    sortCollections(models, params.sort);
    const start = (params.page - 1) * params.perPage;
    return {
      items: models.slice(start, start + params.perPage).map(publicCollection),
      page: params.page,
      perPage: params.perPage,
      totalItems: params.skipTotal ? -1 : models.length,
      totalPages: params.skipTotal ? -1 : Math.ceil(models.length / params.perPage),
    };
  });

  app.get('/api/collections/meta/scaffolds', su, async () => {
    const scaffold = (type: 'base' | 'auth' | 'view') => {
      const model = publicCollection(newCollection(type, '', ''));
      return type === 'view' ? { ...model, viewQuery: '' } : model;
    };
    return { auth: scaffold('auth'), base: scaffold('base'), view: scaffold('view') };
  });

  app.put('/api/collections/import', su, async (request, reply) => {
    const { data } = await readBody(request);
    await withFileCleanup(() => core.collections.import(data.collections, data.deleteMissing === true));
    return reply.code(204).send();
  });

  app.get('/api/collections/:c', su, async (request, reply) => {
    const model = core.collections.get(param(request)).model;
    return answeredNotModified(request, reply, schemaETag(core, request)) ? reply : publicCollection(model);
  });

  app.post('/api/collections', su, async (request) => {
    const { data } = await readBody(request);
    return publicCollection(await core.collections.create(data));
  });

  app.patch('/api/collections/:c', su, async (request) => {
    const { data } = await readBody(request);
    return publicCollection(await withFileCleanup(() => core.collections.update(param(request), data)));
  });

  app.delete('/api/collections/:c', su, async (request, reply) => {
    await withFileCleanup(() => core.collections.delete(param(request)));
    return reply.code(204).send();
  });

  app.delete('/api/collections/:c/truncate', su, async (request, reply) => {
    const collection = core.collections.get(param(request));
    // Truncating would delete every superuser (PocketBase refuses to delete the last one).
    if (collection.isSuperusers) throw badRequest('You cannot delete the only existing superuser.');
    await truncateCollection(deps, collection);
    return reply.code(204).send();
  });
}

const param = (request: FastifyRequest) => (request.params as Params).c;

function sortCollections(models: CollectionModel[], sort: string): void {
  const terms = sort.split(',').map((t) => t.trim()).filter(Boolean).map((t) => ({ desc: t.startsWith('-'), key: t.replace(/^[-+]/, '') }));
  for (const t of terms) if (!SORTABLE.has(t.key)) throw badRequest(`Invalid sort field "${t.key}".`);
  if (terms.length === 0) terms.push({ desc: false, key: 'created' });
  models.sort((a, b) => {
    for (const t of terms) {
      const x = String((a as unknown as Record<string, unknown>)[t.key]);
      const y = String((b as unknown as Record<string, unknown>)[t.key]);
      if (x !== y) return (x < y ? -1 : 1) * (t.desc ? -1 : 1);
    }
    return 0;
  });
}

