/**
 * The files API (spec 7.2-7.4): download with thumbnails, protected files through a
 * file token, and `POST /api/files/token`. Every failure to find or to be allowed a
 * file is the same 404, so nothing tells a stored file from a missing one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, notFound } from '../core/errors.js';
import { GUEST, type RequestAuth } from '../core/auth/request-auth.js';
import { issueFileToken, resolveFileToken } from '../core/auth/file-token.js';
import { findRecordById, viewRecord } from '../core/records/record-reader.js';
import { withSchemaRetry } from './schema-retry.js';
import { asList } from '../core/fields/multi-value.js';
import type { FieldModel } from '../core/fields/field.js';
import { fileKey, thumbKey, validateKey, type FileStorage } from '../files/file-storage.js';
import { canThumb, parseThumbSize } from '../files/thumbs.js';
import { fileHeaders, isTrue, notModified, requestedRange } from '../files/serve-headers.js';
import { clientIp } from '../server/client-ip.js';
import { SuperuserIpGuard } from '../server/superuser-ip-guard.js';
import { accessContext } from './access-context.js';
import { viewFileSource } from '../files/view-file-source.js';
import { eventAuth, eventRequest } from './request-event.js';
import { rowToValues } from '../core/records/serialize.js';
import type { FileTokenRequestEvent } from '../hooks/events.js';

type Params = { c: string; recordId: string; filename: string };
type Query = { thumb?: unknown; download?: unknown; token?: unknown };

export function registerFileRoutes(app: FastifyInstance, core: GalleyCore): void {
  const superuserIps = new SuperuserIpGuard();

  app.post('/api/files/token', async (request) => {
    if (!request.auth.record) throw new ApiError(401, 'Missing auth record context.');
    const hook = core.hooks.onFileTokenRequest;
    if (hook.isEmpty()) return { token: await issueFileToken(request.auth) };
    const e: FileTokenRequestEvent = { app: core.app(), auth: eventAuth(request), request: eventRequest(request) };
    await hook.trigger(e, async (ev) => { ev.token = await issueFileToken(request.auth); });
    if (!e.token) throw new ApiError(403, 'A file token was refused.');
    return { token: e.token };
  });

  /** The file token's record; a superuser from outside the superuser IP allow-list is a guest. */
  const fileAuth = async (request: FastifyRequest, token: unknown): Promise<RequestAuth> => {
    const auth = await resolveFileToken(core.store, core.collections, typeof token === 'string' ? token : '');
    if (!auth.isSuperuser) return auth;
    const settings = core.settings.current();
    return superuserIps.check(settings.superuserIPs, clientIp(request, settings.trustedProxy)) ? GUEST : auth;
  };

  // Run again after a reload when another instance changed the schema under it (schema-retry.ts).
  app.get('/api/files/:c/:recordId/:filename', (request, reply) => withSchemaRetry(core, async () => {
    const { c, recordId, filename } = request.params as Params;
    const query = request.query as Query;
    const collection = core.collections.find(c);
    if (!collection || !safeSegment(recordId) || !safeSegment(filename)) throw notFound();
    const row = await findRecordById(core.store, collection, recordId);
    const field = row && collection.fields.find((f) => f.model.type === 'file' && asList(f.type.fromDb(row[f.model.name], f.model)).includes(filename));
    if (!field) throw notFound();

    if (field.model.protected) {
      // The Authorization header is not used here: only a file token from ?token=.
      request.auth = await fileAuth(request, query.token);
      try {
        await viewRecord(core.store, collection, recordId, accessContext(request, core, 'protectedFile'));
      } catch (err) {
        if (err instanceof ApiError) throw notFound();
        throw err;
      }
    }

    // A view's files live under the record of the collection its column comes from.
    const source = collection.isView
      ? await viewFileSource(core.store, core.collections.registry, collection, field.model.name, filename)
      : { collection, recordId, field: field.model };
    if (!source) throw notFound();
    const storage = core.files.storage();
    const key = fileKey(source.collection.id, source.recordId, filename);
    const info = await storage.stat(key);
    if (!info) throw notFound();
    const send = async () => {
      const servedKey = await thumbnailKey(core, storage, source.field, source.collection.id, source.recordId, filename, query.thumb, info.contentType) ?? key;
      return serve(request, reply, storage, servedKey, filename, isTrue(query.download));
    };
    const hook = core.hooks.onFileDownloadRequest;
    const tags = [collection.name, collection.id];
    if (hook.isEmpty(tags)) return send();
    let sent = false;
    await hook.trigger({
      app: core.app(), collection: collection.model, record: rowToValues(collection, row), field: field.model.name, filename,
      thumb: typeof query.thumb === 'string' ? query.thumb : '', request: eventRequest(request),
    }, async () => { await send(); sent = true; }, tags);
    if (!sent) throw notFound();
    return reply;
  }));
}

/** A path segment that can be part of a storage key (no "..", slashes, NUL, ...). */
function safeSegment(s: string): boolean {
  try {
    validateKey(s);
    return !s.includes('/');
  } catch {
    return false;
  }
}

/** The key of the thumb to serve, generated on first use; undefined to serve the original. */
async function thumbnailKey(
  core: GalleyCore, storage: FileStorage, field: FieldModel, collectionId: string, recordId: string, filename: string, thumb: unknown, contentType: string,
): Promise<string | undefined> {
  if (typeof thumb !== 'string' || thumb === '' || !canThumb(contentType)) return undefined;
  const size = parseThumbSize(thumb);
  const listed = thumb === '100x100' || ((field.thumbs as string[] | undefined) ?? []).includes(thumb);
  if (!size || !listed) return undefined;
  const key = thumbKey(collectionId, recordId, filename, thumb);
  if (await storage.exists(key)) return key;
  try {
    await core.files.thumbs.ensure(storage, fileKey(collectionId, recordId, filename), key, size, contentType);
    return key;
  } catch (err) {
    core.files.logWarning(`thumb ${thumb} of ${filename} not generated, serving the original: ${(err as Error).message}`);
    return undefined;
  }
}

async function serve(request: FastifyRequest, reply: FastifyReply, storage: FileStorage, key: string, name: string, download: boolean) {
  const info = await storage.stat(key);
  if (!info) throw notFound();
  reply.removeHeader('x-frame-options');
  reply.headers(fileHeaders(name, info, download));
  if (notModified(request.headers, info)) return reply.code(304).send();
  const range = requestedRange(request.headers, info);
  if (range === 'unsatisfiable') {
    for (const name of ['content-disposition', 'cache-control', 'etag', 'last-modified']) reply.removeHeader(name);
    const error = new ApiError(416, 'The requested range is not satisfiable.');
    reply.code(416).header('content-range', `bytes */${info.size}`).type('application/json');
    return request.method === 'HEAD' ? reply.send() : reply.send(error.toJSON());
  }
  const body = await storage.read(key, range);
  if (!body) throw notFound();
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    reply.header('content-length', range.end - range.start + 1);
  } else reply.header('content-length', info.size);
  return reply.send(body);
}
