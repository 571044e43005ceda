/**
 * HTTP validators for record reads (ETag / If-None-Match → 304). A list's ETag is
 * derived from what the response depends on rather than from its body: the data
 * versions of the collections the read can touch (src/core/versions), the schema
 * version, the URL (filter, sort, page, expand, fields) and who asks; a hit answers
 * 304 before any query runs. A single record's ETag is the hash of its body (cheaper
 * than reading versions for one primary-key lookup). Responses are per caller: `Cache-Control: private, no-cache` (browsers
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

/** A list's ETag, with the data versions it was derived from (list totals reuse them). */
export interface ListValidator {
  etag: string;
  collectionIds: string[];
  stamp: string;
}

/** The weak ETag of a records list now, or undefined when the read is not validated. */
export async function recordsETag(core: GalleyCore, request: FastifyRequest, collection: Collection, rule: ReadRule): Promise<ListValidator | undefined> {
  const query = request.query as Record<string, unknown>;
  const reads = readsOf(collection.model[rule] ?? '', text(query.filter), text(query.sort), text(query.expand) !== '' || collection.isView);
  // Answers that depend on request headers or on the clock have nothing to validate against.
  if (reads === 'unvalidated') return undefined;
  const auth = request.auth;
  const ids = reads === 'everything'
    ? core.collections.registry.all().filter((c) => !c.isView).map((c) => c.id).sort()
    : auth.record && auth.collection!.id !== collection.id ? [collection.id, auth.collection!.id] : [collection.id];
  const stamp = await core.versions.stamp(ids);
  const who = auth.record ? `${auth.collection!.id}/${String(auth.record.id)}` : '';
  const key = `${core.collections.schemaVersion}\0${stamp}\0${who}\0${request.url}`;
  const etag = etags.get(key) ?? remember(etags, key, `W/"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`);
  return { etag, collectionIds: ids, stamp };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * What a list read can depend on, from its rule, filter and sort: its own collection
 * (and the caller's), every collection, or the clock and headers (not validated). Pure
 * functions of their text, so both this and the ETags are remembered, a bounded number
 * of each: a busy list asks the same few questions on every request.
 */
type Reads = 'own' | 'everything' | 'unvalidated';
const analysed = new Map<string, Reads>();
const etags = new Map<string, string>();
const REMEMBERED = 1000;

function readsOf(rule: string, filter: string, sort: string, expandsOrView: boolean): Reads {
  const key = `${expandsOrView ? 1 : 0}\0${rule}\0${filter}\0${sort}`;
  const known = analysed.get(key);
  if (known) return known;
  const texts = [rule, filter, sort];
  const reads: Reads = texts.some((t) => TIME_OR_HEADERS.test(t)) ? 'unvalidated' : expandsOrView || texts.some(followsRelation) ? 'everything' : 'own';
  return remember(analysed, key, reads);
}

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= REMEMBERED) map.clear();
  map.set(key, value);
  return value;
}

/**
 * A route's onSend hook giving a successful JSON answer the weak ETag of its body, and
 * a 304 instead when the client holds it. For one record, hashing the body (~1 µs)
 * costs far less than asking the database for versions (a round trip on PostgreSQL),
 * and a body's hash is right for every caller who gets the same body.
 */
export function bodyETagOnSend(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
  if (reply.statusCode !== 200 || typeof payload !== 'string') return done(null, payload);
  const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
  setValidatorHeaders(reply, etag);
  const held = request.headers['if-none-match'];
  if (held && held.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    reply.code(304);
    return done(null, '');
  }
  done(null, payload);
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
