/**
 * The `_jobs` table: one row per durable job (docs/jobs.md). `status` is `queued`
 * (waiting until `runAt`), `running` (claimed; `runAt` is then the end of the lease, so
 * a job whose instance died is due again once it passes), `done` or `failed`. At most
 * one queued job per (kind, key): a second enqueue with the same key updates it.
 * Times are Unix milliseconds.
 */
import type { Store } from '../store/store.js';

export async function ensureJobsTable(store: Store): Promise<void> {
  const [text, ms, int] = store.dialect.name === 'sqlite' ? ['TEXT', 'INTEGER', 'INTEGER'] : ['text', 'bigint', 'integer'];
  const ddl =
    `CREATE TABLE IF NOT EXISTS "_jobs" ("id" ${text} PRIMARY KEY NOT NULL, "kind" ${text} NOT NULL, "key" ${text}, ` +
    `"payload" ${text} NOT NULL, "status" ${text} NOT NULL, "attempts" ${int} NOT NULL, "maxAttempts" ${int} NOT NULL, ` +
    `"runAt" ${ms} NOT NULL, "claim" ${text}, "lastError" ${text}, "created" ${ms} NOT NULL, "updated" ${ms} NOT NULL);` +
    `CREATE INDEX IF NOT EXISTS "_jobs_due" ON "_jobs" ("status", "runAt");` +
    `CREATE UNIQUE INDEX IF NOT EXISTS "_jobs_queued_key" ON "_jobs" ("kind", "key") WHERE "status" = 'queued';`;
  try {
    await store.exec(ddl);
  } catch (err) {
    // PostgreSQL's IF NOT EXISTS is not atomic: an instance starting at the same moment makes it fail once.
    await store.exec(ddl).catch(() => { throw err; });
  }
}
