/**
 * GET /api/health (API spec 8.2): note `code`, not `status`, in this one body; 503
 * while the instance drains before a stop (server/draining.ts). A
 * superuser also gets what the dashboard shows about the deployment (PocketBase's
 * apis/health.go): whether a backup may start, the client IP as Galley sees it, and a
 * proxy header the request carries (a hint to configure trustedProxy).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { clientIp } from '../server/client-ip.js';
import { isDraining, registerDraining } from '../server/draining.js';

/** Headers common proxies and CDNs set, checked after the configured trusted ones. */
const COMMON_PROXY_HEADERS = ['CF-Connecting-IP', 'Fly-Client-IP', 'X-Forwarded-For'];

export function registerHealthRoutes(app: FastifyInstance, core: GalleyCore): void {
  registerDraining(app, core);
  app.get('/api/health', async (request, reply) => {
    // Stopping: a load balancer must send no new requests here (the ones that come are still served).
    if (isDraining(core)) return reply.code(503).send({ message: 'The instance is shutting down.', code: 503, data: {} });
    const body = { message: 'API is healthy.', code: 200, data: {} as Record<string, unknown> };
    if (!request.auth.isSuperuser) return body;
    const { trustedProxy } = core.settings.current();
    body.data = {
      // False while a backup or restore runs, here or (PostgreSQL) on another instance.
      canBackup: await core.backups.canBackup(),
      realIP: clientIp(request, trustedProxy),
      possibleProxyHeader: possibleProxyHeader(request, trustedProxy.headers),
    };
    return body;
  });
}

/** The first of the trusted, then the common, proxy headers the request carries with a value; '' when none. */
function possibleProxyHeader(request: FastifyRequest, trusted: string[]): string {
  for (const name of [...trusted, ...COMMON_PROXY_HEADERS]) {
    const value = request.headers[name.toLowerCase()];
    if (Array.isArray(value) ? value.some((v) => v !== '') : value !== undefined && value !== '') return name;
  }
  return '';
}
