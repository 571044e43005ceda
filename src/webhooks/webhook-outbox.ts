/**
 * The outbox side of webhooks: a RecordLifecycle wrapped around the hooks' one that,
 * for collections with enabled webhooks, adds a delivery row per webhook right after
 * the record's statement, on the write's own transaction. A write that rolls back
 * (a failed validation, a hook throwing after `e.next()`) takes its rows with it; a
 * committed one cannot lose them. Collections without webhooks are not touched, so
 * their writes keep the fast path (no transaction for a lone INSERT).
 */
import type { Collection } from '../core/collections/collection.js';
import type { RecordDeps } from '../core/records/deps.js';
import { newRecordId } from '../core/collections/ids.js';
import type { LifecycleAction, RecordLifecycle } from '../core/records/record-lifecycle.js';
import type { DeliveryRepo } from './delivery-repo.js';
import type { Webhook } from './webhook-model.js';
import { webhookPayload } from './webhook-payload.js';

type Values = Record<string, unknown>;

export class WebhookOutbox {
  /** Enabled webhooks by collection id and event. */
  private targets = new Map<string, Webhook[]>();

  constructor(private readonly deliveries: DeliveryRepo) {}

  /** Replaces the declarations the outbox acts on. */
  use(webhooks: readonly Webhook[]): void {
    const targets = new Map<string, Webhook[]>();
    for (const w of webhooks) {
      if (!w.enabled) continue;
      for (const event of w.events) {
        const key = `${w.collectionId}/${event}`;
        targets.set(key, [...(targets.get(key) ?? []), w]);
      }
    }
    this.targets = targets;
  }

  /** Whether a committed change of this collection may have added deliveries. */
  watches(collectionId: string): boolean {
    return ['create', 'update', 'delete'].some((a) => this.targets.has(`${collectionId}/${a}`));
  }

  private for(action: LifecycleAction, collection: Collection): Webhook[] {
    return this.targets.get(`${collection.id}/${action}`) ?? [];
  }

  /** The lifecycle the record writers get: `inner` (the hooks), plus the outbox rows. */
  wrap(inner: RecordLifecycle): RecordLifecycle {
    return {
      has: (action, collection) => inner.has(action, collection) || this.for(action, collection).length > 0,
      around: async (action, collection, record, original, deps, execute) => {
        const webhooks = this.for(action, collection);
        if (webhooks.length === 0) return inner.around(action, collection, record, original, deps, execute);
        const run = async (final: Values) => {
          await execute(final);
          await this.enqueue(deps, webhooks, action, collection, final);
        };
        if (inner.has(action, collection)) return inner.around(action, collection, record, original, deps, run);
        await run(record);
        return record;
      },
      failed: (action, collection, record, error) => inner.failed(action, collection, record, error),
    };
  }

  private async enqueue(deps: RecordDeps, webhooks: Webhook[], action: LifecycleAction, collection: Collection, record: Values): Promise<void> {
    const payload = webhookPayload(action, collection, record);
    const rows = webhooks.map((w) => ({ id: `msg_${newRecordId()}`, webhookId: w.id, event: action, payload }));
    await this.deliveries.enqueue(deps.store, rows);
  }
}
