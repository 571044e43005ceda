/** The records CRUD routes (API spec 2): parse the request, call core, reply. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { listRecords, viewRecord } from '../core/records/record-reader.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import { recordJson, recordsJson } from './record-response.js';
import type { Row } from '../store/store.js';
import type { Collection } from '../core/collections/collection.js';
import { writeWithFiles } from './record-uploads.js';
import { accessContext } from './access-context.js';
import { parseListParams } from './list-params.js';

type Params = { c: string; id?: string };

export function registerRecordRoutes(app: FastifyInstance, core: GalleyCore): void {
  const deps = core.recordDeps;

  const collectionOf = (request: FastifyRequest) => {
    const c = core.collections.find((request.params as Params).c);
    if (!c) throw new ApiError(404, 'Missing collection context.');
    return c;
  };

  const expandParam = (request: FastifyRequest) => (request.query as Record<string, unknown>).expand;
  const respond = (request: FastifyRequest, collection: Collection, row: Row, ctx: AccessContext) =>
    recordJson(core.store, collection, row, ctx, expandParam(request));

  app.get('/api/collections/:c/records', async (request) => {
    const collection = collectionOf(request);
    const params = parseListParams(request.query as Record<string, unknown>);
    const ctx = accessContext(request, core);
    const page = await listRecords(core.store, collection, params, ctx);
    const items = await recordsJson(core.store, collection, page.rows, ctx, expandParam(request));
    return {
      items,
      page: page.page,
      perPage: page.perPage,
      totalItems: page.totalItems,
      totalPages: page.totalPages,
    };
  });

  app.get('/api/collections/:c/records/:id', async (request) => {
    const collection = collectionOf(request);
    const ctx = accessContext(request, core);
    const row = await viewRecord(core.store, collection, (request.params as Params).id!, ctx);
    return respond(request, collection, row, ctx);
  });

  app.post('/api/collections/:c/records', async (request) => {
    const collection = collectionOf(request);
    const ctx = accessContext(request, core);
    const row = await writeWithFiles(core, request, collection, (body, files) => createRecord(deps, collection, body, ctx, files));
    return respond(request, collection, row, ctx);
  });

  app.patch('/api/collections/:c/records/:id', async (request) => {
    const collection = collectionOf(request);
    const ctx = accessContext(request, core);
    const id = (request.params as Params).id!;
    const row = await writeWithFiles(core, request, collection, (body, files) => updateRecord(deps, collection, id, body, ctx, files));
    return respond(request, collection, row, ctx);
  });

  app.delete('/api/collections/:c/records/:id', async (request, reply) => {
    const collection = collectionOf(request);
    await deleteRecord(deps, collection, (request.params as Params).id!, accessContext(request, core));
    return reply.code(204).send();
  });
}
