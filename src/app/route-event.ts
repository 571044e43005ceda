/**
 * What a custom route handler gets: the request as plain data, its auth, the body, the
 * server-side `app`, and helpers that answer with PocketBase's errors — require a
 * signed-in record, a superuser or a rule — and serialise records the way the records
 * API does (hidden fields, email visibility, `expand`). A handler's return value is the
 * JSON response (`fields=` applies), `undefined` is a 204; `e.json(status, body)` picks
 * the status.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, forbidden } from '../core/errors.js';
import { readBody } from '../server/body.js';
import { accessContext } from '../api/access-context.js';
import { eventAuth, eventRequest } from '../api/request-event.js';
import { recordsJson } from '../api/record-response.js';
import { valuesToRow } from '../core/records/record-writer.js';
import { getAccessibleRecord } from '../core/records/record-reader.js';
import { rowSatisfies } from '../core/rules/row-access.js';
import type { EventAuth, EventRequest, RecordValues } from '../hooks/events.js';
import type { AppContext } from '../core/app-context.js';

const JSON_RESULT = Symbol('json');

export interface JsonResult { [JSON_RESULT]: true; status: number; body: unknown }

export interface RouteEvent {
  app: AppContext;
  request: EventRequest;
  auth: EventAuth;
  /** The request body (JSON, form or multipart fields), read once. */
  body(): Promise<Record<string, unknown>>;
  /** The signed-in record (optionally of this auth collection); 401 for guests. */
  requireAuth(collection?: string): RecordValues;
  /** 401 for guests, 403 for anyone but a superuser. */
  requireSuperuser(): void;
  /**
   * A rule in the filter language, as a collection API rule: checked for the caller
   * against the record `recordId` (404 when it does not pass or exist), or against the
   * request alone (`@request.*`; 403 when it does not pass).
   */
  requireRule(collection: string, rule: string, recordId?: string): Promise<void>;
  /** Records as the caller may see them, with `expand` (e.g. the request's `?expand=`). */
  serialize(collection: string, records: RecordValues[], expand?: string): Promise<RecordValues[]>;
  json(status: number, body: unknown): JsonResult;
  /** The underlying Fastify objects, for what the helpers do not cover (headers, streams). */
  http: { request: FastifyRequest; reply: FastifyReply };
}

export type RouteHandler = (e: RouteEvent) => unknown;

export function createRouteEvent(core: GalleyCore, request: FastifyRequest, reply: FastifyReply, params: Record<string, string>): RouteEvent {
  let body: Promise<Record<string, unknown>> | undefined;
  const collectionOf = (name: string) => {
    const c = core.collections.find(name);
    if (!c) throw new ApiError(404, `Missing collection "${name}".`);
    return c;
  };
  return {
    app: core.app(),
    request: { ...eventRequest(request), params },
    auth: eventAuth(request),
    body: () => (body ??= readBody(request).then((b) => b.data)),
    requireAuth(collection) {
      const auth = request.auth;
      if (!auth.record || (collection !== undefined && auth.collection?.name !== collection && auth.collection?.id !== collection))
        throw new ApiError(401, 'The request requires valid record authorization token.');
      return auth.record;
    },
    requireSuperuser() {
      if (!request.auth.record && !request.auth.isSuperuser) throw new ApiError(401, 'The request requires valid record authorization token.');
      if (!request.auth.isSuperuser) throw forbidden('The authorized record is not allowed to perform this action.');
    },
    async requireRule(collection, rule, recordId) {
      const c = collectionOf(collection);
      const ctx = accessContext(request, core);
      if (request.auth.isSuperuser) {
        if (recordId !== undefined) await getAccessibleRecord(core.store, c, recordId, { kind: 'all' }, ctx);
        return;
      }
      if (recordId !== undefined) {
        await getAccessibleRecord(core.store, c, recordId, { kind: 'rule', rule }, ctx);
        return;
      }
      const empty = valuesToRow(c, Object.fromEntries(c.fields.map((f) => [f.model.name, f.type.empty(f.model)])));
      if (!(await rowSatisfies(core.store, c, empty, { kind: 'rule', rule }, ctx))) throw forbidden('The request does not satisfy the rule.');
    },
    async serialize(collection, records, expand) {
      const c = collectionOf(collection);
      return recordsJson(core.store, c, records.map((r) => valuesToRow(c, r)), accessContext(request, core), expand);
    },
    json: (status, payload) => ({ [JSON_RESULT]: true, status, body: payload }),
    http: { request, reply },
  };
}

/** Turns a handler's result into the response (unless the handler already sent one). */
export async function sendResult(reply: FastifyReply, result: unknown): Promise<void> {
  if (reply.sent) return;
  if (result !== null && typeof result === 'object' && JSON_RESULT in result) {
    const r = result as JsonResult;
    await reply.code(r.status).send(r.body);
    return;
  }
  if (result === undefined) await reply.code(204).send();
  else await reply.send(result);
}

