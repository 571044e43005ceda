/**
 * HTTP validators for record reads (ETag / If-None-Match → 304). The ETag is derived
 * from what the response depends on, never from hashing the body: the data versions of
 * the collections the read can touch (src/core/versions), the schema version, the URL
 * (filter, sort, page, expand, fields) and who asks. A hit answers 304 before any
 * query runs. Responses are per caller: `Cache-Control: private, no-cache` (browsers
 * keep them and revalidate every time) and `Vary: Authorization`.
 *
 * Which collections a read can touch: the collection itself and the signed-in user's
 * collection (its rules may read the user's fields); when its rule, the filter or the
 * sort follow a relation (`a.b`, `_via_`, `@collection`), when expand is asked or the
 * collection is a view, every collection. Reads with request hooks, and rules or
 * filters that read request headers or the clock (`@now`…), are not validated.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { Collection } from '../core/collections/collection.js';

type ReadRule = 'listRule' | 'viewRule';

const TIME_OR_HEADERS = /@request\.headers|@(now|second|minute|hour|weekday|day|month|year|today|yesterday|tomorrow)/;

/** The weak ETag of a records read now, or undefined when the read is not validated. */
export async function recordsETag(core: GalleyCore, request: FastifyRequest, collection: Collection, rule: ReadRule): Promise<string | undefined> {
  const query = request.query as Record<string, unknown>;
  const texts = [collection.model[rule] ?? '', query.filter, query.sort].map((t) => (typeof t === 'string' ? t : ''));
  // Answers that depend on request headers or on the clock have nothing to validate against.
  if (texts.some((t) => TIME_OR_HEADERS.test(t))) return undefined;
  const everything = collection.isView || (typeof query.expand === 'string' && query.expand !== '') || texts.some(followsRelation);
  const auth = request.auth;
  const ids = everything
    ? core.collections.registry.all().filter((c) => !c.isView).map((c) => c.id).sort()
    : [...new Set([collection.id, ...(auth.record ? [auth.collection!.id] : [])])];
  const stamp = await core.versions.stamp(ids);
  const who = auth.record ? `${auth.collection!.id}/${String(auth.record.id)}` : '';
  const digest = createHash('sha256').update(`${core.collections.schemaVersion}\0${stamp}\0${who}\0${request.url}`).digest('base64url').slice(0, 27);
  return `W/"${digest}"`;
}

/** The weak ETag of a collections read (superusers only): the schema version, the URL and who asks. */
export function schemaETag(core: GalleyCore, request: FastifyRequest): string {
  const auth = request.auth;
  const who = auth.record ? `${auth.collection!.id}/${String(auth.record.id)}` : '';
  return `W/"${createHash('sha256').update(`${core.collections.schemaVersion}\0${who}\0${request.url}`).digest('base64url').slice(0, 27)}"`;
}

/** A filter or rule that reads another collection: a relation path, a back-relation or @collection. */
function followsRelation(text: string): boolean {
  // Quoted strings hold values (dates, decimals), not paths; @request.* fields are the caller's values.
  const code = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/@request\.[\w.:]+/g, '@r');
  return /[A-Za-z_]\w*\.[A-Za-z_]|_via_|@collection/.test(code);
}

/** True (and a 304 sent) when the client already holds this response. */
export function answeredNotModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  setValidatorHeaders(reply, etag);
  const held = request.headers['if-none-match'];
  if (!held || !held.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return false;
  void reply.code(304).send();
  return true;
}

export function setValidatorHeaders(reply: FastifyReply, etag: string): void {
  reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'Authorization');
}
