/**
 * The webhook tables: `_webhooks` (declarations; the secret is stored in plain text, as
 * the SMTP password is) and `_webhookDeliveries` (the outbox: one row per event and
 * webhook, written in the record's transaction; `log` holds the attempts as JSON).
 * Times are Unix milliseconds.
 */
import type { Store } from '../store/store.js';

export async function ensureWebhookTables(store: Store): Promise<void> {
  const [text, ms, int] = store.dialect.name === 'sqlite' ? ['TEXT', 'INTEGER', 'INTEGER'] : ['text', 'bigint', 'integer'];
  const ddl =
    `CREATE TABLE IF NOT EXISTS "_webhooks" ("id" ${text} PRIMARY KEY NOT NULL, "collectionId" ${text} NOT NULL, ` +
    `"events" ${text} NOT NULL, "url" ${text} NOT NULL, "secret" ${text} NOT NULL, "enabled" ${int} NOT NULL, ` +
    `"created" ${ms} NOT NULL, "updated" ${ms} NOT NULL);` +
    `CREATE TABLE IF NOT EXISTS "_webhookDeliveries" ("id" ${text} PRIMARY KEY NOT NULL, "webhookId" ${text} NOT NULL, ` +
    `"event" ${text} NOT NULL, "payload" ${text} NOT NULL, "status" ${text} NOT NULL, "attempts" ${int} NOT NULL, ` +
    `"nextAttempt" ${ms} NOT NULL, "claim" ${text}, "lastStatus" ${int}, "lastError" ${text}, "log" ${text} NOT NULL, ` +
    `"created" ${ms} NOT NULL, "updated" ${ms} NOT NULL);` +
    `CREATE INDEX IF NOT EXISTS "_webhookDeliveries_due" ON "_webhookDeliveries" ("status", "nextAttempt");` +
    `CREATE INDEX IF NOT EXISTS "_webhookDeliveries_webhook" ON "_webhookDeliveries" ("webhookId", "created");`;
  try {
    await store.exec(ddl);
  } catch (err) {
    // PostgreSQL's IF NOT EXISTS is not atomic: an instance starting at the same moment makes it fail once.
    await store.exec(ddl).catch(() => { throw err; });
  }
}
