/**
 * Sends the outbox: every `pollMs` (and at once when kicked after a commit that added
 * rows) it claims due deliveries in batches, POSTs each one signed, and records the
 * attempt: 2xx succeeds; anything else is retried after the next of `retryDelaysMs`
 * (exponential backoff), and fails for good once they are used up. Delivery is at least
 * once: a receiver should deduplicate on `webhook-id`.
 */
import { Poller } from '../core/poller.js';
import type { Webhook } from './webhook-model.js';
import type { AttemptLog, DeliveryRepo, DeliveryRow } from './delivery-repo.js';
import { postJson } from './http-sender.js';
import { activeTracing, traced } from '../tracing/tracing.js';
import { signedHeaders } from './signature.js';

export interface DeliveryOptions {
  pollMs: number;
  /** The waits before the 2nd, 3rd, ... attempt; attempts = length + 1. */
  retryDelaysMs: number[];
  /** Per attempt, connection to response headers. */
  timeoutMs: number;
  batchSize: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  pollMs: 1000,
  retryDelaysMs: [5, 30, 120, 600, 3600, 6 * 3600, 12 * 3600, 24 * 3600].map((s) => s * 1000),
  timeoutMs: 10_000,
  batchSize: 10,
};

const LOG_KEEP = 20;
const MAX_ERROR = 500;

export interface WorkerDeps {
  repo: DeliveryRepo;
  webhook(id: string): Promise<Webhook | undefined>;
  allowedPrivateTargets(): Promise<readonly string[]>;
  log(message: string): void;
}

export class DeliveryWorker {
  private readonly poller = new Poller(() => this.pass());
  private abort = new AbortController();

  constructor(private readonly deps: WorkerDeps, readonly options: DeliveryOptions) {}

  start(): void {
    if (this.poller.started) return;
    this.abort = new AbortController();
    this.poller.start(this.options.pollMs);
  }

  /** Looks for due deliveries now (or right after the current pass). */
  kick(): void {
    this.poller.kick();
  }

  /** Stops polling; attempts in flight are aborted and their deliveries released. */
  async stop(): Promise<void> {
    const stopped = this.poller.stop();
    this.abort.abort();
    await stopped;
  }

  private async pass(): Promise<void> {
    try {
      const leaseMs = this.options.timeoutMs + 30_000;
      for (;;) {
        if (!this.poller.started) return;
        const claimed = await this.deps.repo.claim(this.options.batchSize, leaseMs);
        if (claimed.length === 0) return;
        const allowed = await this.deps.allowedPrivateTargets();
        // In parallel across webhooks, in order within one (best effort: retries reorder).
        const byWebhook = new Map<string, DeliveryRow[]>();
        for (const d of claimed) byWebhook.set(d.webhookId, [...(byWebhook.get(d.webhookId) ?? []), d]);
        await Promise.all([...byWebhook.values()].map(async (list) => {
          for (const d of list) await this.attempt(d, allowed);
        }));
      }
    } catch (err) {
      if (this.poller.started) this.deps.log(`webhook deliveries: ${(err as Error).message}`);
    }
  }

  private async attempt(d: DeliveryRow, allowed: readonly string[]): Promise<void> {
    const webhook = await this.deps.webhook(d.webhookId);
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      if (!webhook) throw new Error('the webhook was deleted');
      status = await traced('webhook deliver', { 'url.full': webhook.url, 'galley.webhook.id': webhook.id }, () => {
        const headers: Record<string, string> = signedHeaders(webhook.secret, d.id, d.payload, started);
        activeTracing()?.inject(headers);
        return postJson(webhook.url, headers, d.payload, { timeoutMs: this.options.timeoutMs, allowedPrivateTargets: allowed, signal: this.abort.signal });
      });
      if (status < 200 || status > 299) error = `the target answered ${status}`;
    } catch (err) {
      if (this.abort.signal.aborted) {
        // Stopping: not an attempt; due again at once for whichever instance is running.
        await this.deps.repo.finish(d, { ...d, nextAttempt: Date.now() });
        return;
      }
      error = String((err as Error).message ?? err).slice(0, MAX_ERROR);
    }
    const attempts = d.attempts + 1;
    const entry: AttemptLog = { at: started, status, error, ms: Date.now() - started };
    const done = error === null;
    const exhausted = attempts > this.options.retryDelaysMs.length;
    await this.deps.repo.finish(d, {
      status: done ? 'succeeded' : exhausted ? 'failed' : 'pending',
      attempts,
      nextAttempt: done || exhausted ? 0 : Date.now() + this.options.retryDelaysMs[attempts - 1]!,
      lastStatus: status,
      lastError: error,
      log: [...d.log, entry].slice(-LOG_KEEP),
    });
  }
}
