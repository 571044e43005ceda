/**
 * Every error → PocketBase's `{status, message, data}` body. Known errors keep their
 * status; anything unexpected is a 500 with a generic message, its details logged
 * (never sent).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import { discardUnreadBody } from './unread-body.js';
import { MALFORMED_URL } from './url-input.js';

/** Serves a request no built-in route matched, if it can (custom routes); false for a 404. */
export type Fallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

export function registerErrorHandling(app: FastifyInstance, logError: (err: unknown, request?: FastifyRequest) => void, fallback?: Fallback): void {
  app.setErrorHandler(async (err: FastifyError | ApiError, request, reply) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) logError(err, request);
    // The client may still be sending: it must be able to read this answer.
    await discardUnreadBody(request.raw, reply);
    void reply.code(apiError.status).type('application/json');
    if (request.method === 'HEAD') return reply.send();
    return reply.send(apiError.toJSON());
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (fallback && (await fallback(request, reply))) return reply;
    const body = new ApiError(404).toJSON();
    void reply.code(404).type('application/json');
    return request.method === 'HEAD' ? reply.send() : reply.send(body);
  });
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as FastifyError;
  if (e?.code === 'FST_ERR_BAD_URL') return new ApiError(400, MALFORMED_URL);
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.statusCode === 413) return new ApiError(413);
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
    return new ApiError(400, 'Failed to read the request body.');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return new ApiError(e.statusCode);
  return new ApiError(500);
}
