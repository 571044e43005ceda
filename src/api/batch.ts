/**
 * `POST /api/batch` (API spec 8.1): record creates, updates, upserts and deletes run
 * one after another in one transaction, with the caller's auth and the normal rules
 * and validation (`@request.context = "batch"`). All land or none: a failing
 * sub-request rolls everything back, uploaded files included; record events and file
 * deletions happen only after the commit. With an `Idempotency-Key` header the whole
 * batch is one idempotent write (api/idempotency.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, notFound, type ErrorData } from '../core/errors.js';
import type { RecordDeps } from '../core/records/deps.js';
import { closeScope, openScope, type WriteScope } from '../core/records/write-scope.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import { findRecordById } from '../core/records/record-reader.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import type { RecordFileHooks } from '../core/records/file-hooks.js';
import { DEFAULT_BATCH_BODY_SIZE, type BatchSettings } from '../core/settings/batch-settings.js';
import type { Row } from '../store/store.js';
import { readBody } from '../server/body.js';
import { withSchemaRetry } from './schema-retry.js';
import { decodePathSegment, parseRequestUrl } from '../server/url-input.js';
import { applyFields } from '../server/fields-projection.js';
import { RecordFileWrite } from '../files/record-file-write.js';
import { readBatchInput, type BatchItem } from './batch-input.js';
import { recordJson } from './record-response.js';
import { idempotencyKeyOf, idempotent } from './idempotency.js';

/** JSON bodies beyond this are refused whatever the settings say (they are parsed in memory). */
const JSON_HARD_LIMIT = 1024 * 1024 * 1024;
const RECORDS_PATH = /^\/api\/collections\/([^/]+)\/records(?:\/([^/]+))?\/?$/;

interface BatchResult { status: number; body: unknown }

const bodyLimit = (batch: BatchSettings) => batch.maxBodySize || DEFAULT_BATCH_BODY_SIZE;

export function registerBatchRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.post('/api/batch', {
    bodyLimit: JSON_HARD_LIMIT,
    // The configured limit, checked before a byte of the body is read.
    preParsing: (request, _reply, payload, done) => {
      if (Number(request.headers['content-length']) > bodyLimit(core.settings.current().batch)) done(new ApiError(413));
      else done(null, payload);
    },
  }, async (request, reply) => {
    const batch = core.settings.current().batch;
    if (!batch.enabled) throw new ApiError(403, 'Batch requests are not allowed.');
    const key = idempotencyKeyOf(request);
    const parsed = await readBody(request, { keepFiles: { total: bodyLimit(batch) } });
    try {
      const items = readBatchInput(parsed.data, parsed.files, batch.maxRequests);
      const timeoutMs = batch.timeout * 1000;
      // A statement the schema moved under rolled the whole transaction back: run it again
      // under the new schema (not with uploads: their stored copies were removed).
      if (key === undefined) return await withSchemaRetry(core, () => runBatch(core, request, items, timeoutMs), () => parsed.files.length === 0);
      // With an Idempotency-Key the sub-requests run in the key's transaction (api/idempotency.ts).
      return await idempotent(core, request, reply, key, parsed, async (scope, fileWrites) =>
        ({ status: 200, body: await runItems(core, scope, request, items, Date.now() + timeoutMs, fileWrites) }));
    } finally {
      await parsed.dispose();
    }
  });
}

async function runBatch(core: GalleyCore, request: FastifyRequest, items: BatchItem[], timeoutMs: number): Promise<BatchResult[]> {
  const fileWrites: RecordFileWrite[] = [];
  const deadline = Date.now() + timeoutMs;
  let scope: WriteScope | undefined;
  let results: BatchResult[];
  try {
    results = await core.store.transaction(async (tx) => {
      // Sub-requests write through the scope: their effects wait for this commit.
      scope = openScope(core.recordDeps, tx);
      return runItems(core, scope, request, items, deadline, fileWrites);
    });
  } catch (err) {
    await Promise.all(fileWrites.map((w) => w.abort()));
    throw err;
  }
  await closeScope(core.recordDeps, scope!);
  await Promise.all(fileWrites.map((w) => w.afterCommit()));
  return results;
}

/** The sub-requests one after another inside the scope's transaction; the first failure fails them all. */
async function runItems(core: GalleyCore, scope: WriteScope, request: FastifyRequest, items: BatchItem[], deadline: number, fileWrites: RecordFileWrite[]): Promise<BatchResult[]> {
  const out: BatchResult[] = [];
  for (const [index, item] of items.entries()) {
    if (Date.now() > deadline) throw new ApiError(400, 'Batch transaction timeout.');
    try {
      out.push(await runItem(core, scope.deps, request, item, fileWrites));
    } catch (err) {
      if (err instanceof ApiError) throw failedAt(index, err);
      throw err;
    }
  }
  return out;
}

function failedAt(index: number, err: ApiError): ApiError {
  const failure = { code: 'batch_request_failed', message: 'Batch request failed.', response: err.toJSON() };
  return new ApiError(400, 'Batch transaction failed.', { requests: { [String(index)]: failure as unknown as ErrorData } });
}

async function runItem(core: GalleyCore, deps: RecordDeps, request: FastifyRequest, item: BatchItem, fileWrites: RecordFileWrite[]): Promise<BatchResult> {
  const url = parseRequestUrl(item.url, 'http://batch.invalid');
  const match = RECORDS_PATH.exec(url.pathname);
  if (!match) throw notFound();
  const collection = core.collections.find(decodePathSegment(match[1]!));
  if (!collection) throw new ApiError(404, 'Missing collection context.');
  const id = match[2] === undefined ? undefined : decodePathSegment(match[2]);
  const query = Object.fromEntries(url.searchParams);
  const ctx = batchContext(core, request, item, query);

  /** Runs a create or update with the item's uploads, remembered for commit or rollback. */
  const write = async (run: (body: Record<string, unknown>, files?: RecordFileHooks) => Promise<Row>) => {
    if (!collection.fields.some((f) => f.model.type === 'file')) return run(item.body);
    const { body, write: files } = await RecordFileWrite.prepare(core.files, collection, item.body, item.files);
    fileWrites.push(files);
    return run(body, files);
  };

  let row: Row;
  if (item.method === 'POST' && id === undefined) {
    row = await write((body, files) => createRecord(deps, collection, body, ctx, files));
  } else if (item.method === 'PUT' && id === undefined) {
    // Upsert: an update when the body names an existing record, a create otherwise.
    const target = typeof item.body.id === 'string' && item.body.id !== '' ? item.body.id : undefined;
    const exists = target !== undefined && (await findRecordById(deps.store, collection, target)) !== undefined;
    row = exists
      ? await write((body, files) => updateRecord(deps, collection, target, body, ctx, files))
      : await write((body, files) => createRecord(deps, collection, body, ctx, files));
  } else if (item.method === 'PATCH' && id !== undefined) {
    row = await write((body, files) => updateRecord(deps, collection, id, body, ctx, files));
  } else if (item.method === 'DELETE' && id !== undefined) {
    await deleteRecord(deps, collection, id, ctx);
    return { status: 204, body: null };
  } else {
    throw notFound();
  }
  const json = await recordJson(deps.store, collection, row, ctx, query.expand);
  return { status: 200, body: query.fields ? applyFields(json, query.fields) : json };
}

/** The caller's auth with the sub-request's method, query and headers (its own Authorization ignored). */
function batchContext(core: GalleyCore, request: FastifyRequest, item: BatchItem, query: Record<string, string>): AccessContext {
  const headers: Record<string, string> = {};
  const add = (name: string, value: unknown) => {
    if (typeof value === 'string') headers[name.toLowerCase().replace(/-/g, '_')] = value;
  };
  for (const [name, value] of Object.entries(request.headers)) add(name, Array.isArray(value) ? value[0] : value);
  for (const [name, value] of Object.entries(item.headers)) if (name !== 'authorization') add(name, value);
  const auth = request.auth;
  return {
    auth,
    registry: core.collections.registry,
    request: {
      context: 'batch', method: item.method, headers, query, body: {},
      auth: auth.record, authCollection: auth.collection ? { id: auth.collection.id, name: auth.collection.name } : null,
    },
  };
}
