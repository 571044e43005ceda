/**
 * The `_migrations` bookkeeping table: one row per applied migration file, written in
 * the migration's own transaction. On PostgreSQL a transaction-level advisory lock
 * serialises migrations across instances starting at the same time (SQLite's
 * BEGIN IMMEDIATE already does).
 */
import type { Executor, Store } from '../store/store.js';

export interface AppliedMigration {
  file: string;
  /** Unix milliseconds. */
  applied: number;
}

/** An arbitrary constant: the advisory lock key of Galley's migrations. */
const PG_LOCK_KEY = 7_361_204_915;

export async function ensureMigrationsTable(store: Store): Promise<void> {
  const ms = store.dialect.name === 'sqlite' ? 'INTEGER' : 'bigint';
  await store.transaction(async (tx) => {
    await lockMigrations(tx, store);
    await tx.exec(`CREATE TABLE IF NOT EXISTS "_migrations" ("file" text PRIMARY KEY NOT NULL, "applied" ${ms} NOT NULL)`);
  });
}

/** Taken first in every migration transaction; released at commit or rollback. */
export async function lockMigrations(tx: Executor, store: Store): Promise<void> {
  if (store.dialect.name === 'postgres') await tx.get(`SELECT pg_advisory_xact_lock(${PG_LOCK_KEY}) AS "locked"`);
}

/** Applied migrations in the order they were applied. */
export async function listApplied(db: Executor): Promise<AppliedMigration[]> {
  const rows = await db.all(`SELECT "file", "applied" FROM "_migrations" ORDER BY "applied", "file"`);
  return rows.map((r) => ({ file: String(r.file), applied: Number(r.applied) }));
}

export async function isApplied(tx: Executor, store: Store, file: string): Promise<boolean> {
  return (await tx.get(`SELECT 1 AS "x" FROM "_migrations" WHERE "file" = ${store.dialect.placeholder(1)}`, [file])) !== undefined;
}

export async function recordApplied(tx: Executor, store: Store, file: string): Promise<void> {
  const p = store.dialect.placeholder;
  await tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (${p(1)}, ${p(2)})`, [file, Date.now()]);
}

export async function removeApplied(tx: Executor, store: Store, file: string): Promise<void> {
  await tx.run(`DELETE FROM "_migrations" WHERE "file" = ${store.dialect.placeholder(1)}`, [file]);
}
