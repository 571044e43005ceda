/**
 * Request metrics as Fastify hooks: the duration histogram by method, route template
 * (never the raw path: ids would make every URL a series of its own) and status, and
 * the requests in flight. Realtime streams count as in flight while they are open.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyMetrics } from './galley-metrics.js';

/** Methods outside the standard set become `_OTHER` (OpenTelemetry's rule), so clients cannot mint series. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function registerHttpMetrics(app: FastifyInstance, metrics: GalleyMetrics): void {
  const active = metrics.httpActive;
  const ended = () => active.dec();
  app.addHook('onRequest', (_request, reply, done) => {
    active.inc();
    reply.raw.once('close', ended);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const method = METHODS.has(request.method) ? request.method : '_OTHER';
    // Unmatched requests (404s, custom routes) share one series.
    const route = request.routeOptions.url ?? '';
    metrics.httpDuration.labels(method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    done();
  });
}
