/**
 * Connects a core's parts to its metrics: database statements (through the store's
 * observer), cron runs, and the gauges read at scrape time (the webhook backlog, the
 * log writer's queue, the PostgreSQL pool). Requests and realtime are measured by the HTTP app.
 */
import type { Store } from '../store/store.js';
import type { StoreObserver } from '../store/store-observer.js';
import type { GalleyMetrics } from './galley-metrics.js';
import { storeMetrics } from './store-metrics.js';

export interface InstrumentedParts {
  store: Store;
  crons: { onRun?: (job: string, ok: boolean) => void };
  logs: { readonly waiting: number };
}

/** The store observer for these metrics; the caller installs it (alone or with the tracer's). */
export function instrumentCore(metrics: GalleyMetrics, parts: InstrumentedParts): StoreObserver {
  const { store } = parts;
  metrics.collectProcessMetrics();
  parts.crons.onRun = (job, ok) => metrics.cronRuns.inc({ cron: job, result: ok ? 'ok' : 'error' });
  metrics.labelledGauge('galley_webhook_deliveries', 'Webhook deliveries in the outbox, by status (pending, failed, succeeded).', 'status', async () => {
    const rows = await store.all('SELECT "status", COUNT(*) AS "n" FROM "_webhookDeliveries" GROUP BY "status"');
    return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
  });
  const { logs } = parts;
  metrics.gauge('galley_log_queue_entries', 'Logs waiting for the log writer (batched off the request path).', () => logs.waiting);
  const pool = store.poolStats?.bind(store);
  if (pool) {
    metrics.labelledGauge('galley_db_pool_connections', 'PostgreSQL pool connections: total, idle, and requests waiting for one.', 'state', () => pool());
  }
  return storeMetrics(metrics, store.dialect.name);
}
