/**
 * CORS as PocketBase does it (API spec 10.2): any origin, no credentials, the
 * request's headers reflected on preflight. Written out rather than through
 * @fastify/cors so that simple requests cost one static header in the hook every
 * request already runs, instead of a hook of their own.
 */
import type { FastifyInstance } from 'fastify';

/** Added to every response. */
export const CORS_HEADERS = { 'access-control-allow-origin': '*' };

const ALLOWED_METHODS = 'GET, HEAD, PUT, PATCH, POST, DELETE';

export function registerPreflight(app: FastifyInstance): void {
  app.options('*', (request, reply) => {
    const requested = request.headers['access-control-request-headers'];
    void reply.code(204).headers({
      'access-control-allow-methods': ALLOWED_METHODS,
      vary: 'Access-Control-Request-Headers',
      ...(requested ? { 'access-control-allow-headers': requested } : {}),
      'content-length': '0',
    });
    return reply.send();
  });
}
