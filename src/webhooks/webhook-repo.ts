/** SQL for `_webhooks`: the declarations (parameterised, both engines). */
import type { Executor, Store } from '../store/store.js';
import { newRecordId } from '../core/collections/ids.js';
import { generateSecret } from './signature.js';
import { webhookFromRow, type Webhook } from './webhook-model.js';
import type { WebhookFields } from './webhook-input.js';

export class WebhookRepo {
  constructor(private readonly store: Store) {}

  private get p() {
    return this.store.dialect.placeholder;
  }

  async all(db: Executor = this.store): Promise<Webhook[]> {
    return (await db.all('SELECT * FROM "_webhooks" ORDER BY "created", "id"')).map(webhookFromRow);
  }

  async byId(id: string): Promise<Webhook | undefined> {
    const row = await this.store.get(`SELECT * FROM "_webhooks" WHERE "id" = ${this.p(1)}`, [id]);
    return row ? webhookFromRow(row) : undefined;
  }

  async create(fields: WebhookFields): Promise<Webhook> {
    const now = Date.now();
    const hook: Webhook = { id: newRecordId(), ...fields, secret: generateSecret(), created: now, updated: now };
    const p = this.p;
    await this.store.run(
      `INSERT INTO "_webhooks" ("id", "collectionId", "events", "url", "secret", "enabled", "created", "updated") ` +
        `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)})`,
      [hook.id, hook.collectionId, JSON.stringify(hook.events), hook.url, hook.secret, hook.enabled ? 1 : 0, now, now],
    );
    return hook;
  }

  async update(id: string, fields: WebhookFields): Promise<void> {
    const p = this.p;
    await this.store.run(
      `UPDATE "_webhooks" SET "collectionId" = ${p(1)}, "events" = ${p(2)}, "url" = ${p(3)}, "enabled" = ${p(4)}, "updated" = ${p(5)} WHERE "id" = ${p(6)}`,
      [fields.collectionId, JSON.stringify(fields.events), fields.url, fields.enabled ? 1 : 0, Date.now(), id],
    );
  }

  /** A new secret; the old one stops signing at once. */
  async rotateSecret(id: string): Promise<string> {
    const secret = generateSecret();
    await this.store.run(`UPDATE "_webhooks" SET "secret" = ${this.p(1)}, "updated" = ${this.p(2)} WHERE "id" = ${this.p(3)}`, [secret, Date.now(), id]);
    return secret;
  }

  /** The webhook and its deliveries, together. */
  async delete(id: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      await tx.run(`DELETE FROM "_webhookDeliveries" WHERE "webhookId" = ${this.p(1)}`, [id]);
      return (await tx.run(`DELETE FROM "_webhooks" WHERE "id" = ${this.p(1)}`, [id])) > 0;
    });
  }
}
