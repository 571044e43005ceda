/**
 * The running instance at a glance, for the dashboard's home (GET /api/metrics/overview):
 * requests per minute, error rates and p95 latency over the last minute and five
 * minutes (from the RequestWindow the request hook feeds), requests in flight and
 * realtime clients (the gauges Prometheus reads). Figures of this instance only.
 */
import type { GalleyMetrics } from './galley-metrics.js';
import type { WindowFigures } from './request-window.js';

export interface MetricsOverview {
  /** False with GALLEY_METRICS=off: every figure is then null. */
  enabled: boolean;
  /** Requests answered in the last 60 seconds. */
  requestsPerMinute: number | null;
  /** Share of the last minute's requests answered 4xx/5xx (0–1). */
  errorRate: number | null;
  /** Share of the last minute's requests answered 5xx (0–1). */
  serverErrorRate: number | null;
  /** 95th percentile response time of the last minute, in ms. */
  p95Ms: number | null;
  /** The same over the last five minutes (requestsPerMinute is the five minutes' average). */
  fiveMinutes: (WindowFigures & { requestsPerMinute: number }) | null;
  realtimeClients: number | null;
  activeRequests: number | null;
  uptimeSeconds: number;
  /** When these figures were taken (ISO 8601). */
  at: string;
}

export async function metricsOverview(metrics: GalleyMetrics, enabled: boolean): Promise<MetricsOverview> {
  const base = { uptimeSeconds: Math.round(process.uptime()), at: new Date().toISOString() };
  if (!enabled) {
    return { enabled, requestsPerMinute: null, errorRate: null, serverErrorRate: null, p95Ms: null, fiveMinutes: null, realtimeClients: null, activeRequests: null, ...base };
  }
  const minute = metrics.requestWindow.figures(60);
  const five = metrics.requestWindow.figures(300);
  return {
    enabled,
    requestsPerMinute: minute.requests,
    errorRate: minute.errorRate,
    serverErrorRate: minute.serverErrorRate,
    p95Ms: minute.p95Ms,
    fiveMinutes: { ...five, requestsPerMinute: five.requests / 5 },
    realtimeClients: await gaugeValue(metrics, 'galley_realtime_clients'),
    activeRequests: await gaugeValue(metrics, 'http_server_active_requests'),
    ...base,
  };
}

/** A label-less gauge's current value (its collect callback runs), or null when it is not registered. */
async function gaugeValue(metrics: GalleyMetrics, name: string): Promise<number | null> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return null;
  const { values } = await metric.get();
  return values[0]?.value ?? 0;
}
