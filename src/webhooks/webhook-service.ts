/**
 * Webhooks of one Galley instance: the declarations (loaded into the outbox, reloaded
 * after this instance's changes and every `reloadMs` for other instances' ones), the
 * outbox lifecycle given to the record writers, the delivery worker (started with the
 * HTTP server), and the housekeeping job that prunes finished deliveries.
 */
import type { Store } from '../store/store.js';
import type { CollectionService } from '../core/collections/collection-service.js';
import type { SettingsService } from '../core/settings/settings-service.js';
import type { RecordLifecycle } from '../core/records/record-lifecycle.js';
import type { RecordChanges } from '../core/records/record-changes.js';
import type { CronService } from '../cron/cron-service.js';
import { ensureWebhookTables } from './webhook-tables.js';
import { WebhookRepo } from './webhook-repo.js';
import { DeliveryRepo } from './delivery-repo.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { DEFAULT_DELIVERY_OPTIONS, DeliveryWorker, type DeliveryOptions } from './delivery-worker.js';
import { readWebhookInput } from './webhook-input.js';
import type { Webhook } from './webhook-model.js';
import { log } from '../logs/logger.js';

export const WEBHOOK_CLEANUP_JOB = { id: '__galleyWebhookDeliveriesCleanup__', expression: '15 * * * *' } as const;
const DAY_MS = 86_400_000;

export interface WebhookOptions extends DeliveryOptions {
  /** How often declarations are re-read (changes made by other instances). */
  reloadMs: number;
  keepSucceededDays: number;
  keepFailedDays: number;
}

export class WebhookService {
  readonly repo: WebhookRepo;
  readonly deliveries: DeliveryRepo;
  private readonly outbox: WebhookOutbox;
  private worker: DeliveryWorker | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  options: WebhookOptions = { ...DEFAULT_DELIVERY_OPTIONS, reloadMs: 2000, keepSucceededDays: 7, keepFailedDays: 30 };
  log: (message: string) => void = (message) => log.error(message);

  constructor(
    private readonly store: Store, private readonly collections: CollectionService, private readonly settings: SettingsService,
    private readonly changes: RecordChanges, crons: CronService,
  ) {
    this.repo = new WebhookRepo(store);
    this.deliveries = new DeliveryRepo(store);
    this.outbox = new WebhookOutbox(this.deliveries);
    crons.register(WEBHOOK_CLEANUP_JOB.id, WEBHOOK_CLEANUP_JOB.expression, async () => {
      const now = Date.now();
      await this.deliveries.prune(now - this.options.keepSucceededDays * DAY_MS, now - this.options.keepFailedDays * DAY_MS);
    });
  }

  /** The record lifecycle with the outbox around `inner`'s handlers. */
  lifecycle(inner: RecordLifecycle): RecordLifecycle {
    return this.outbox.wrap(inner);
  }

  /** Creates the tables and loads the declarations (at open). */
  async init(): Promise<void> {
    await ensureWebhookTables(this.store);
    await this.reload();
  }

  async reload(): Promise<void> {
    this.outbox.use(await this.repo.all());
  }

  /** Starts sending (a serving instance); options changed before take effect. */
  start(options: Partial<WebhookOptions> = {}): void {
    if (this.worker) return;
    this.options = { ...this.options, ...options };
    this.worker = new DeliveryWorker({
      repo: this.deliveries,
      webhook: (id) => this.repo.byId(id),
      allowedPrivateTargets: async () => (await this.settings.get()).webhooks.allowedPrivateTargets,
      log: (m) => this.log(m),
    }, this.options);
    this.worker.start();
    // A commit that may have added deliveries: send them now rather than at the next poll.
    this.stopListening = this.changes.listen((changes) => {
      if (changes.some((c) => this.outbox.watches(c.collection.id))) this.worker?.kick();
    });
    this.reloadTimer = setInterval(() => { this.reload().catch((err: unknown) => this.log(`webhooks reload: ${(err as Error).message}`)); }, this.options.reloadMs);
    this.reloadTimer.unref();
  }

  /** Changes the options; a running worker restarts with them (tests shorten the delays). */
  async configure(options: Partial<WebhookOptions>): Promise<void> {
    const running = this.worker !== undefined;
    await this.stop();
    this.options = { ...this.options, ...options };
    if (running) this.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.reloadTimer);
    this.stopListening?.();
    const worker = this.worker;
    this.worker = undefined;
    await worker?.stop();
  }

  /** Sends due deliveries now (after a manual retry). */
  kick(): void {
    this.worker?.kick();
  }

  private async allowed(): Promise<string[]> {
    return (await this.settings.get()).webhooks.allowedPrivateTargets;
  }

  async create(body: Record<string, unknown>): Promise<Webhook> {
    const fields = await readWebhookInput(body, undefined, this.collections, await this.allowed());
    const webhook = await this.repo.create(fields);
    await this.reload();
    return webhook;
  }

  async update(current: Webhook, body: Record<string, unknown>): Promise<Webhook> {
    const fields = await readWebhookInput(body, current, this.collections, await this.allowed());
    await this.repo.update(current.id, fields);
    await this.reload();
    return (await this.repo.byId(current.id)) ?? { ...current, ...fields };
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.repo.delete(id);
    await this.reload();
    return deleted;
  }
}
