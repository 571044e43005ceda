/**
 * The SQLite log store's files: `auxiliary.db` (PocketBase's name: the `_logs` rows and
 * the number of the last batch built into them) and `auxiliary-pending.db` (captured
 * batches waiting for their rows, written by the writer thread alone; see
 * sqlite-log-thread.ts).
 */
export const AUX_DB_FILE = 'auxiliary.db';

export const LOGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS "_logs" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "level" INTEGER NOT NULL DEFAULT 0,
  "message" TEXT NOT NULL DEFAULT '',
  "data" JSON NOT NULL DEFAULT '{}',
  "created" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS "idx_logs_created" ON "_logs" ("created");
CREATE TABLE IF NOT EXISTS "_logs_built" ("n" INTEGER NOT NULL);
INSERT INTO "_logs_built" ("n") SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM "_logs_built");`;

export const PENDING_SCHEMA = `
CREATE TABLE IF NOT EXISTS "_logs_pending" (
  -- AUTOINCREMENT: numbers are never reused once built batches are removed (_logs_built keeps the last one).
  "n" INTEGER PRIMARY KEY AUTOINCREMENT,
  "batch" BLOB NOT NULL,
  "count" INTEGER NOT NULL,
  "maxDataSize" INTEGER NOT NULL
);`;

/** `…/auxiliary.db` → `…/auxiliary-pending.db`. */
export function pendingFileOf(auxFile: string): string {
  return auxFile.replace(/\.db$/, '') + '-pending.db';
}
