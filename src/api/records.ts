/** The records CRUD routes (API spec 2): parse the request, call core, reply. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, fieldError, type ErrorData } from '../core/errors.js';
import { listRecords, viewRecord } from '../core/records/record-reader.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import { serializeRecord, type RecordJson } from '../core/records/serialize.js';
import { expandRecords } from '../core/records/expand.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import { hasManageRule, managedIds } from '../core/rules/manage-rule.js';
import type { Row } from '../store/store.js';
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

  /** Adds `expand` to serialized records when the request asks for it. */
  const expandIfAsked = async (request: FastifyRequest, collection: Collection, rows: Row[], items: RecordJson[], ctx: AccessContext) => {
    const expand = (request.query as Record<string, unknown>).expand;
    if (typeof expand === 'string' && expand !== '') await expandRecords(core.store, collection, rows, items, expand, ctx);
  };

  const respond = (request: FastifyRequest, collection: Collection, row: Row, ctx: AccessContext): RecordJson | Promise<RecordJson> => {
    const json = serializeRecord(collection, row, request.auth);
    // No promise hop when nothing is to be expanded or revealed (the common, hot case).
    const reveal = hasManageRule(collection) && !('email' in json);
    if (!reveal && !(request.query as Record<string, unknown>).expand) return json;
    return revealManagedEmails(collection, [row], [json], ctx)
      .then(() => expandIfAsked(request, collection, [row], [json], ctx))
      .then(() => json);
  };

  /** Managers (manageRule) see the emails of the auth records they manage. */
  const revealManagedEmails = async (collection: Collection, rows: Row[], items: RecordJson[], ctx: AccessContext) => {
    if (!hasManageRule(collection) || ctx.auth.isSuperuser) return;
    const hidden = rows.filter((_, i) => !('email' in items[i]!));
    if (hidden.length === 0) return;
    const managed = await managedIds(core.store, collection, hidden.map((r) => String(r.id)), ctx);
    rows.forEach((row, i) => {
      if (managed.has(String(row.id))) items[i]!.email = row.email;
    });
  };

  app.get('/api/collections/:c/records', async (request) => {
    const collection = collectionOf(request);
    const params = parseListParams(request.query as Record<string, unknown>);
    const ctx = accessContext(request, core);
    const page = await listRecords(core.store, collection, params, ctx);
    const items = page.rows.map((row) => serializeRecord(collection, row, request.auth));
    await revealManagedEmails(collection, page.rows, items, ctx);
    await expandIfAsked(request, collection, page.rows, items, ctx);
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
    const body = await bodyWithoutFiles(request, collection);
    const ctx = accessContext(request, core);
    const row = await createRecord(deps, collection, body, ctx);
    return respond(request, collection, row, ctx);
  });

  app.patch('/api/collections/:c/records/:id', async (request) => {
    const collection = collectionOf(request);
    const body = await bodyWithoutFiles(request, collection);
    const ctx = accessContext(request, core);
    const row = await updateRecord(deps, collection, (request.params as Params).id!, body, ctx);
    return respond(request, collection, row, ctx);
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
