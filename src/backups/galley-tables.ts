/**
 * Every internal table a Galley database needs beside the collections, created when
 * missing. The modules that own them create them once per process (at start or first
 * use), so data put in place underneath a running instance — a restore, a conversion
 * from the other engine, a PocketBase import — gets them here: a backup taken before a
 * table existed restores into a database that has it.
 */
import type { Store } from '../store/store.js';
import { ensureInternalTables } from '../core/collections/definitions-table.js';
import { ensureMigrationsTable } from '../migrations/migrations-table.js';
import { ensureWebhookTables } from '../webhooks/webhook-tables.js';
import { CronLease } from '../cron/cron-lease.js';
import { ensureIdempotencyTable } from '../core/idempotency/idempotency-keys.js';
import { ensureJobsTable } from '../jobs/job-table.js';
import { ensureEmbeddingsTable } from '../vectors/embedding-table.js';

export async function ensureGalleyTables(store: Store): Promise<void> {
  await ensureInternalTables(store);
  await ensureMigrationsTable(store);
  await ensureWebhookTables(store);
  await new CronLease(store, 'restore').ensureTable();
  await ensureIdempotencyTable(store);
  await ensureJobsTable(store);
  await ensureEmbeddingsTable(store);
}
