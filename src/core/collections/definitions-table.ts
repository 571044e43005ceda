/**
 * Persistence of collection definitions in the internal `_collections` table, as
 * one JSON document per collection (so every instance reads the same schema).
 */
import type { Executor, Row, Store } from '../../store/store.js';
import { UniqueViolation } from '../../store/store.js';
import { badRequest, fieldError } from '../errors.js';
import type { CollectionModel } from './model.js';

/**
 * The internal tables: collection definitions, `_params` (settings, resend windows),
 * and the one-time passwords of OTP sign-in (`_otps`, hashed codes; `_otpAttempts`,
 * one row per sign-in attempt, so the attempt cap holds across instances), and the
 * pending MFA sessions (`_mfas`: which first auth method a record passed, and when),
 * and on PostgreSQL the sign-in protection counters every instance shares
 * (`_authCounters`, core/auth/protection/; SQLite counts in memory).
 * Timestamps there are Unix milliseconds.
 */
export async function ensureInternalTables(store: Store): Promise<void> {
  const json = store.dialect.name === 'sqlite' ? 'TEXT' : 'text';
  const ms = store.dialect.name === 'sqlite' ? 'INTEGER' : 'bigint';
  await store.exec(
    `CREATE TABLE IF NOT EXISTS "_collections" ("id" ${json} PRIMARY KEY NOT NULL, "name" ${json} NOT NULL UNIQUE, "data" ${json} NOT NULL);` +
      `CREATE TABLE IF NOT EXISTS "_params" ("id" ${json} PRIMARY KEY NOT NULL, "value" ${json} NOT NULL);` +
      // Names are unique case-insensitively, also across instances sharing one database.
      `CREATE UNIQUE INDEX IF NOT EXISTS "_collections_name_nocase" ON "_collections" (lower("name"));` +
      `CREATE TABLE IF NOT EXISTS "_otps" ("id" ${json} PRIMARY KEY NOT NULL, "collectionId" ${json} NOT NULL, "recordId" ${json} NOT NULL, ` +
      `"hash" ${json} NOT NULL, "sentTo" ${json} NOT NULL, "created" ${ms} NOT NULL);` +
      `CREATE INDEX IF NOT EXISTS "_otps_created" ON "_otps" ("created");` +
      `CREATE TABLE IF NOT EXISTS "_otpAttempts" ("collectionId" ${json} NOT NULL, "recordId" ${json} NOT NULL, "created" ${ms} NOT NULL);` +
      `CREATE INDEX IF NOT EXISTS "_otpAttempts_record" ON "_otpAttempts" ("collectionId", "recordId", "created");` +
      `CREATE TABLE IF NOT EXISTS "_mfas" ("id" ${json} PRIMARY KEY NOT NULL, "collectionId" ${json} NOT NULL, "recordId" ${json} NOT NULL, ` +
      `"method" ${json} NOT NULL, "created" ${ms} NOT NULL);` +
      `CREATE INDEX IF NOT EXISTS "_mfas_created" ON "_mfas" ("created");` +
      (store.dialect.name === 'postgres'
        ? `CREATE TABLE IF NOT EXISTS "_authCounters" ("key" text PRIMARY KEY NOT NULL, "count" integer NOT NULL, "resetAt" bigint NOT NULL);` +
          `CREATE INDEX IF NOT EXISTS "_authCounters_resetAt" ON "_authCounters" ("resetAt");`
        : ''),
  );
}

/**
 * Before `_externalAuths` became a system collection it was an internal table with
 * "collectionId"/"recordId" columns: renamed out of the way so the collection can be
 * created, and its rows returned for copying. Undefined when there is none.
 */
export async function takeLegacyExternalAuths(tx: Executor, dialect: 'sqlite' | 'postgres'): Promise<Row[] | undefined> {
  const exists = dialect === 'sqlite'
    ? await tx.get(`SELECT 1 AS "x" FROM sqlite_master WHERE type = 'table' AND name = '_externalAuths'`)
    : await tx.get(`SELECT 1 AS "x" FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_externalAuths'`);
  if (!exists) return undefined;
  const rows = await tx.all(`SELECT "collectionId", "recordId", "provider", "providerId", "created" FROM "_externalAuths"`);
  await tx.exec(`DROP TABLE "_externalAuths"`);
  return rows;
}

export async function loadDefinitions(db: Executor): Promise<CollectionModel[]> {
  const rows = await db.all('SELECT "data" FROM "_collections"');
  return rows.map((r) => JSON.parse(r.data as string) as CollectionModel);
}

export async function insertDefinition(db: Executor, store: Store, model: CollectionModel): Promise<void> {
  const p = store.dialect.placeholder;
  await clashAsError(db.run(`INSERT INTO "_collections" ("id", "name", "data") VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [model.id, model.name, JSON.stringify(model)]));
}

export async function updateDefinition(db: Executor, store: Store, model: CollectionModel): Promise<void> {
  const p = store.dialect.placeholder;
  await clashAsError(db.run(`UPDATE "_collections" SET "name" = ${p(1)}, "data" = ${p(2)} WHERE "id" = ${p(3)}`, [model.name, JSON.stringify(model), model.id]));
}

/** A name or id taken meanwhile (e.g. by another instance) is a validation error, not a 500. */
async function clashAsError(write: Promise<number>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!(err instanceof UniqueViolation)) throw err;
    const onId = err.columns.includes('id') || /pkey$/.test(err.indexName ?? '');
    throw badRequest('Failed to save collection.', onId
      ? { id: fieldError('validation_invalid_or_existing_id', 'The id is invalid or already exists.') }
      : { name: fieldError('validation_collection_name_exists', 'Collection name must be unique (case insensitive).') });
  }
}

export async function deleteDefinition(db: Executor, store: Store, id: string): Promise<void> {
  await db.run(`DELETE FROM "_collections" WHERE "id" = ${store.dialect.placeholder(1)}`, [id]);
}
