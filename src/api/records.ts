/** The records CRUD routes (API spec 2): parse the request, call core, reply. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, fieldError, type ErrorData } from '../core/errors.js';
import { listRecords, viewRecord } from '../core/records/record-reader.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import { serializeRecord } from '../core/records/serialize.js';
import type { Collection } from '../core/collections/collection.js';
import { readBody } from '../server/body.js';
import { accessContext } from './access-context.js';
import { parseListParams } from './list-params.js';

type Params = { c: string; id?: string };

export function registerRecordRoutes(app: FastifyInstance, core: GalleyCore): void {
  const deps = { store: core.store, collections: core.collections };

  const collectionOf = (request: FastifyRequest) => {
    const c = core.collections.find((request.params as Params).c);
    if (!c) throw new ApiError(404, 'Missing collection context.');
    return c;
  };

  app.get('/api/collections/:c/records', async (request) => {
    const collection = collectionOf(request);
    const params = parseListParams(request.query as Record<string, unknown>);
    const page = await listRecords(core.store, collection, params, accessContext(request, core));
    return {
      items: page.rows.map((row) => serializeRecord(collection, row, request.auth)),
      page: page.page,
      perPage: page.perPage,
      totalItems: page.totalItems,
      totalPages: page.totalPages,
    };
  });

  app.get('/api/collections/:c/records/:id', async (request) => {
    const collection = collectionOf(request);
    const row = await viewRecord(core.store, collection, (request.params as Params).id!, accessContext(request, core));
    return serializeRecord(collection, row, request.auth);
  });

  app.post('/api/collections/:c/records', async (request) => {
    const collection = collectionOf(request);
    const body = await bodyWithoutFiles(request, collection);
    const row = await createRecord(deps, collection, body, accessContext(request, core));
    return serializeRecord(collection, row, request.auth);
  });

  app.patch('/api/collections/:c/records/:id', async (request) => {
    const collection = collectionOf(request);
    const body = await bodyWithoutFiles(request, collection);
    const row = await updateRecord(deps, collection, (request.params as Params).id!, body, accessContext(request, core));
    return serializeRecord(collection, row, request.auth);
  });

  app.delete('/api/collections/:c/records/:id', async (request, reply) => {
    const collection = collectionOf(request);
    await deleteRecord(deps, collection, (request.params as Params).id!, accessContext(request, core));
    return reply.code(204).send();
  });
}

/** File uploads arrive with file storage; until then an uploaded file is a clear 400 on its field. */
async function bodyWithoutFiles(request: FastifyRequest, collection: Collection): Promise<Record<string, unknown>> {
  const { data, files } = await readBody(request);
  if (files.length) {
    const errors: ErrorData = {};
    for (const f of files) {
      const name = f.field.replace(/^\+|[+-]$/g, '');
      // File parts count only under file fields; elsewhere they are ignored, as in PocketBase.
      if (collection.field(name)?.model.type === 'file')
        errors[name] = fieldError('validation_invalid_file', 'File uploads are not supported by this server yet.');
    }
    if (Object.keys(errors).length) throw new ApiError(400, 'Failed to save record.', errors);
  }
  return data;
}
