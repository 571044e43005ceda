/**
 * Request metrics as Fastify hooks: the duration histogram by method, route template
 * (never the raw path: ids would make every URL a series of its own) and status, and
 * the requests in flight. Realtime streams count as in flight while they are open.
 * Each request also goes into the overview's five-minute window (a few increments).
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyMetrics } from './galley-metrics.js';
import type { HistogramCell } from './fast-histogram.js';

/** Methods outside the standard set become `_OTHER` (OpenTelemetry's rule), so clients cannot mint series. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const OVERVIEW_ROUTE = '/api/metrics/overview';
const REALTIME_ROUTE = '/api/realtime';

export function registerHttpMetrics(app: FastifyInstance, metrics: GalleyMetrics): void {
  const recent = metrics.requestWindow;
  // Cells by route, method and status in nested maps: a hit allocates nothing (a joined key would, per request).
  const cells = new Map<string, Map<string, Map<number, HistogramCell>>>();
  const durationCell = (route: string, method: string, status: number): HistogramCell => {
    let byMethod = cells.get(route);
    if (!byMethod) cells.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let cell = byStatus.get(status);
    if (!cell) byStatus.set(status, (cell = metrics.httpDuration.labels(method, route, String(status))));
    return cell;
  };
  // The response's 'close' comes after 'finish' and also when the client goes away first.
  const ended = () => { metrics.httpActive--; };
  app.addHook('onRequest', (_request, reply, done) => {
    metrics.httpActive++;
    reply.raw.on('close', ended);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const method = METHODS.has(request.method) ? request.method : '_OTHER';
    // Unmatched requests (404s, custom routes) share one series.
    const route = request.routeOptions.url ?? '';
    durationCell(route, method, reply.statusCode).observe(reply.elapsedTime / 1000);
    // The overview leaves out its own polling and realtime streams (their time is the connection's life).
    if (route !== OVERVIEW_ROUTE && !(route === REALTIME_ROUTE && request.method === 'GET')) recent.record(reply.elapsedTime, reply.statusCode);
    done();
  });
}
