/**
 * Record create, update and delete with an `Idempotency-Key` header (api/idempotency.ts):
 * the work of records.ts, run inside the key's transaction so the record, its hooks'
 * writes and the stored response commit together. The body (uploads included) is read
 * before the transaction starts, so a slow upload holds no lock and the work can run
 * again after a schema reload.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { AppContext } from '../core/app-context.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import type { RecordDeps } from '../core/records/deps.js';
import type { RecordFileHooks } from '../core/records/file-hooks.js';
import type { Collection } from '../core/collections/collection.js';
import type { StoredResponse } from '../core/idempotency/idempotency-keys.js';
import type { Hook } from '../hooks/hook.js';
import type { RecordRequestEvent } from '../hooks/events.js';
import { RecordFileWrite } from '../files/record-file-write.js';
import type { Row } from '../store/store.js';
import { accessContext } from './access-context.js';
import { eventAuth, eventRequest } from './request-event.js';
import { recordJson } from './record-response.js';
import { readRecordBody } from './record-uploads.js';
import { idempotent } from './idempotency.js';
import { withSchemaRetry } from './schema-retry.js';

type Params = { c: string; id?: string };
type Values = Record<string, unknown>;

export interface IdempotentRecords {
  save(request: FastifyRequest, reply: FastifyReply, hook: Hook<RecordRequestEvent>, id: string | undefined, key: string): Promise<unknown>;
  remove(request: FastifyRequest, reply: FastifyReply, key: string): Promise<unknown>;
}

export function idempotentRecords(core: GalleyCore): IdempotentRecords {
  const collectionOf = (request: FastifyRequest) => {
    const c = core.collections.find((request.params as Params).c);
    if (!c) throw new ApiError(404, 'Missing collection context.');
    return c;
  };
  const tags = (c: Collection) => [c.name, c.id];
  // Hook handlers get an `app` bound to the transaction: their writes commit with the record and the key.
  const event = (request: FastifyRequest, collection: Collection, deps: RecordDeps, extra: Partial<RecordRequestEvent>): RecordRequestEvent => ({
    app: new AppContext(core, deps), collection: collection.model, auth: eventAuth(request), request: eventRequest(request), ...extra,
  });

  return {
    async save(request, reply, hook, id, key) {
      const parsed = await readRecordBody(request, collectionOf(request));
      try {
        return await withSchemaRetry(core, () => idempotent(core, request, reply, key, parsed, async (scope, fileWrites) => {
          const collection = collectionOf(request);
          const { deps } = scope;
          const ctx = accessContext(request, core);
          const write = async (body: Values): Promise<Row> => {
            const run = (b: Values, files?: RecordFileHooks) =>
              (id === undefined ? createRecord(deps, collection, b, ctx, files) : updateRecord(deps, collection, id, b, ctx, files));
            if (!collection.fields.some((f) => f.model.type === 'file')) return run(body);
            const prepared = await RecordFileWrite.prepare(core.files, collection, body, parsed.files);
            fileWrites.push(prepared.write);
            return run(prepared.body, prepared.write);
          };
          const respond = (row: Row) => recordJson(deps.store, collection, row, ctx, (request.query as Values).expand);
          if (hook.isEmpty(tags(collection))) return { status: 200, body: await respond(await write(parsed.data)) };
          const e = event(request, collection, deps, { body: parsed.data, ...(id === undefined ? {} : { recordId: id }) });
          await hook.trigger(e, async (ev) => { ev.record = await respond(await write(ev.body ?? {})); }, tags(collection));
          return (e.record ? { status: 200, body: e.record } : { status: 204, body: null }) satisfies StoredResponse;
        }));
      } finally {
        await parsed.dispose();
      }
    },

    remove(request, reply, key) {
      return withSchemaRetry(core, () => idempotent(core, request, reply, key, { data: {}, files: [] }, async ({ deps }) => {
        const collection = collectionOf(request);
        const id = (request.params as Params).id!;
        const run = () => deleteRecord(deps, collection, id, accessContext(request, core));
        const hook = core.hooks.onRecordDeleteRequest;
        if (hook.isEmpty(tags(collection))) await run();
        else await hook.trigger(event(request, collection, deps, { recordId: id }), run, tags(collection));
        return { status: 204, body: null };
      }));
    },
  };
}
