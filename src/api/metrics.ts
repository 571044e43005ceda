/**
 * GET /api/metrics: the Prometheus text format, for superusers or for a scraper that
 * sends the metrics token of the configuration as a bearer token (GALLEY_METRICS_TOKEN),
 * so no superuser password has to sit in the scraper's configuration.
 * GET /api/metrics/overview: this instance's figures at a glance as JSON, for the
 * dashboard's home (superusers only; with metrics off it answers `enabled: false`).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { GalleyMetrics } from '../metrics/galley-metrics.js';
import { metricsOverview } from '../metrics/overview.js';
import { requireSuperuser } from './guards.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function registerMetricsRoutes(app: FastifyInstance, metrics: GalleyMetrics, token: string | undefined): void {
  const expected = token ? digest(token) : undefined;
  const hasToken = (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!expected || typeof header !== 'string' || !/^bearer\s/i.test(header)) return false;
    return timingSafeEqual(digest(header.replace(/^bearer\s+/i, '').trim()), expected);
  };

  app.get('/api/metrics', async (request, reply) => {
    if (!request.auth.isSuperuser && !hasToken(request)) {
      if (!request.auth.record && !request.headers.authorization) throw new ApiError(401, 'The request requires superuser or metrics token authorization.');
      throw new ApiError(403, 'Only superusers and the metrics token can read the metrics.');
    }
    const text = await metrics.text();
    return reply.type(metrics.contentType).send(text);
  });
}

/** Registered whether metrics are on or off, so the dashboard can say which. */
export function registerMetricsOverviewRoute(app: FastifyInstance, metrics: GalleyMetrics, enabled: boolean): void {
  app.get('/api/metrics/overview', async (request) => {
    requireSuperuser(request);
    return metricsOverview(metrics, enabled);
  });
}
