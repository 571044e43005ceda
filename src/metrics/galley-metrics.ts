/**
 * Prometheus metrics of one Galley instance (prom-client), served by GET /api/metrics.
 * Each instance has its own registry and serves its own figures; Prometheus scrapes
 * every instance and aggregates (docs/observability.md). Gauges that need a look at
 * the outside world (realtime clients, webhook backlog, the pool) are read when scraped.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FastHistogram } from './fast-histogram.js';
import { RequestWindow } from './request-window.js';

/** OpenTelemetry's advisory buckets for http.server.request.duration, in seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Statements are much shorter than requests. */
const DB_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export type Sampler = () => number | Promise<number>;
export type LabelledSampler = () => Record<string, number> | Promise<Record<string, number>>;

export class GalleyMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new FastHistogram('http_server_request_duration_seconds',
    'Duration of HTTP server requests (OpenTelemetry http.server.request.duration).',
    ['http_request_method', 'http_route', 'http_response_status_code'], HTTP_BUCKETS, this.registry);

  /** Requests in flight, counted by the HTTP hooks; read when scraped. */
  httpActive = 0;

  constructor() {
    const metrics = this;
    new Gauge({
      name: 'http_server_active_requests',
      help: 'HTTP server requests in flight (OpenTelemetry http.server.active_requests).',
      registers: [this.registry],
      collect() { this.set(metrics.httpActive); },
    });
  }

  /** The last five minutes of requests, for the dashboard's overview (GET /api/metrics/overview). */
  readonly requestWindow = new RequestWindow();

  readonly dbDuration = new FastHistogram('galley_db_query_duration_seconds',
    'Duration of database statements, by engine and kind (read, write, ddl).',
    ['engine', 'kind', 'outcome'], DB_BUCKETS, this.registry);

  readonly dbTransactions = new FastHistogram('galley_db_transaction_duration_seconds',
    'Duration of database transactions, waiting for the writer or a connection included.',
    ['engine', 'outcome'], HTTP_BUCKETS, this.registry);

  readonly dbWait = new FastHistogram('galley_db_wait_seconds',
    "Time a write waited to start: SQLite's writer lock, or a PostgreSQL pool connection.",
    ['engine', 'wait'], DB_BUCKETS, this.registry);

  readonly realtimeEvents = new Counter({
    name: 'galley_realtime_events_total',
    help: 'Realtime events: sent to a client, or dropped with a client too slow to read them.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly cronRuns = new Counter({
    name: 'galley_cron_runs_total',
    help: 'Cron job runs on this instance, by job and result.',
    labelNames: ['cron', 'result'] as const,
    registers: [this.registry],
  });

  readonly mails = new Counter({
    name: 'galley_mails_total',
    help: 'Mails handed to the mailer, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** The ask endpoint's chat model (docs/ai.md): tokens by kind, asks by outcome (ok, error, aborted). */
  readonly aiTokens = new Counter({
    name: 'galley_ai_tokens_total',
    help: 'Chat model tokens used by the ask endpoint, by kind (prompt, completion).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly aiRequests = new Counter({
    name: 'galley_ai_requests_total',
    help: 'Ask requests that reached the chat model stage, by outcome (ok, error, aborted).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** prom-client's process and Node figures (CPU, memory, event-loop lag, GC); they start timers, so only when collecting. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose value is read when scraped. */
  gauge(name: string, help: string, sample: Sampler): void {
    this.registry.removeSingleMetric(name); // a later registration (a new HTTP app on the same core) replaces it
    new Gauge({
      name, help, registers: [this.registry],
      async collect() { this.set(await sample()); },
    });
  }

  /** A gauge with one label whose values are read when scraped. */
  labelledGauge(name: string, help: string, label: string, sample: LabelledSampler): void {
    this.registry.removeSingleMetric(name);
    new Gauge({
      name, help, labelNames: [label], registers: [this.registry],
      async collect() {
        this.reset();
        for (const [value, n] of Object.entries(await sample())) this.set({ [label]: value }, n);
      },
    });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
