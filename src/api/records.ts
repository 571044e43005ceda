/** The records CRUD routes (API spec 2): parse the request, call core, reply. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { findRecordById, listRecords, viewRecord } from '../core/records/record-reader.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import { recordJson, recordsJson } from './record-response.js';
import type { Row } from '../store/store.js';
import type { Collection } from '../core/collections/collection.js';
import { writeWithFiles } from './record-uploads.js';
import { accessContext } from './access-context.js';
import { parseListParams } from './list-params.js';
import { eventAuth, eventRequest } from './request-event.js';
import type { Hook } from '../hooks/hook.js';
import type { RecordRequestEvent } from '../hooks/events.js';
import type { RecordFileHooks } from '../core/records/file-hooks.js';
import { bodyCanBeReadAgain, withSchemaRetry } from './schema-retry.js';
import { answeredNotModified, bodyETagOnSend, recordsETag, type ListValidator } from './http-cache.js';
import { idempotencyKeyOf } from './idempotency.js';
import { idempotentRecords } from './idempotent-records.js';

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

  const tags = (c: Collection) => [c.name, c.id];
  /** The event of a records route hook, for a collection and request. */
  const event = (request: FastifyRequest, collection: Collection, extra: Partial<RecordRequestEvent> = {}): RecordRequestEvent => ({
    app: core.app(), collection: collection.model, auth: eventAuth(request), request: eventRequest(request), ...extra,
  });

  // Every route runs again after a reload when the schema moved under it (schema-retry.ts).
  app.get('/api/collections/:c/records', (request, reply) => withSchemaRetry(core, async () => {
    const collection = collectionOf(request);
    const list = async (validator?: ListValidator) => {
      const params = parseListParams(request.query as Record<string, unknown>);
      const ctx = accessContext(request, core);
      const counts = validator ? core.counts.knowing(validator.collectionIds, validator.stamp) : core.counts;
      const page = await listRecords(core.store, collection, params, ctx, counts);
      const items = await recordsJson(core.store, collection, page.rows, ctx, expandParam(request));
      return { items, page: page.page, perPage: page.perPage, totalItems: page.totalItems, totalPages: page.totalPages };
    };
    const hook = core.hooks.onRecordsListRequest;
    if (hook.isEmpty(tags(collection))) {
      const validator = await recordsETag(core, request, collection, 'listRule');
      return validator && answeredNotModified(request, reply, validator.etag) ? reply : list(validator);
    }
    const e = event(request, collection);
    await hook.trigger(e, async (ev) => { ev.result = await list(); }, tags(collection));
    return e.result ?? reply.code(204).send();
  }));

  app.get('/api/collections/:c/records/:id', { onSend: bodyETagOnSend }, (request, reply) => withSchemaRetry(core, async () => {
    const collection = collectionOf(request);
    const id = (request.params as Params).id!;
    const view = async () => {
      const ctx = accessContext(request, core);
      return respond(request, collection, await viewRecord(core.store, collection, id, ctx), ctx);
    };
    const hook = core.hooks.onRecordViewRequest;
    if (hook.isEmpty(tags(collection))) return view();
    const e = event(request, collection, { recordId: id });
    await hook.trigger(e, async (ev) => { ev.record = await view(); }, tags(collection));
    return e.record ?? reply.code(204).send();
  }));

  /**
   * The answer to a committed write: when the schema moved before it could be written
   * (an expand reading a changed collection), the record is read again under the new one.
   */
  const respondWritten = (request: FastifyRequest, collection: Collection, row: Row, ctx: AccessContext) =>
    withSchemaRetry(core, async () => {
      const current = core.collections.find(collection.id) ?? collection;
      const fresh = current === collection ? row : (await findRecordById(core.store, current, String(row.id))) ?? row;
      return respond(request, current, fresh, ctx);
    });

  /** Create and update, run again after a schema reload only while nothing was committed. */
  const save = (request: FastifyRequest, reply: FastifyReply, hook: Hook<RecordRequestEvent>, id: string | undefined) => {
    let committed = false;
    return withSchemaRetry(core, () => saveOnce(request, reply, hook, id, () => { committed = true; }),
      () => !committed && bodyCanBeReadAgain(request));
  };

  /** Create and update: the body (with its uploads) goes through the request hooks first. */
  const saveOnce = async (request: FastifyRequest, reply: FastifyReply, hook: Hook<RecordRequestEvent>, id: string | undefined, onCommit: () => void) => {
    const collection = collectionOf(request);
    const ctx = accessContext(request, core);
    const write = async (body: Record<string, unknown>, files?: RecordFileHooks) => {
      const row = await (id === undefined ? createRecord(deps, collection, body, ctx, files) : updateRecord(deps, collection, id, body, ctx, files));
      onCommit();
      return row;
    };
    if (hook.isEmpty(tags(collection))) return respondWritten(request, collection, await writeWithFiles(core, request, collection, write), ctx);
    let e: RecordRequestEvent | undefined;
    await writeWithFiles(core, request, collection, async (body, files) => {
      e = event(request, collection, { body, ...(id === undefined ? {} : { recordId: id }) });
      let row: Row = {};
      await hook.trigger(e, async (ev) => {
        row = await write(ev.body ?? {}, files);
        ev.record = await respond(request, collection, row, ctx);
      }, tags(collection));
      return row;
    });
    return e?.record ?? reply.code(204).send();
  };
  // With an Idempotency-Key header, a write runs in the key's transaction (idempotent-records.ts).
  const keyed = idempotentRecords(core);
  app.post('/api/collections/:c/records', async (request, reply) => {
    const key = idempotencyKeyOf(request);
    const hook = core.hooks.onRecordCreateRequest;
    return key === undefined ? save(request, reply, hook, undefined) : keyed.save(request, reply, hook, undefined, key);
  });
  app.patch('/api/collections/:c/records/:id', async (request, reply) => {
    const key = idempotencyKeyOf(request);
    const hook = core.hooks.onRecordUpdateRequest;
    const id = (request.params as Params).id!;
    return key === undefined ? save(request, reply, hook, id) : keyed.save(request, reply, hook, id, key);
  });

  app.delete('/api/collections/:c/records/:id', async (request, reply) => {
    const key = idempotencyKeyOf(request);
    return key === undefined ? removeRecord(request, reply) : keyed.remove(request, reply, key);
  });
  const removeRecord = (request: FastifyRequest, reply: FastifyReply) => withSchemaRetry(core, async () => {
    const collection = collectionOf(request);
    const id = (request.params as Params).id!;
    const remove = () => deleteRecord(deps, collection, id, accessContext(request, core));
    const hook = core.hooks.onRecordDeleteRequest;
    if (hook.isEmpty(tags(collection))) await remove();
    else await hook.trigger(event(request, collection, { recordId: id }), remove, tags(collection));
    return reply.code(204).send();
  });
}
