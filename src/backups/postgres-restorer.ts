/**
 * Restore on PostgreSQL: the dump (postgres-snapshot.ts) replaces every Galley table of
 * the current schema in ONE transaction — tables and views dropped, recreated from
 * `db/schema.json`, rows inserted in batches, identity sequences moved past the
 * restored rows, and a new collections version written so every other instance
 * reloads its schema. PostgreSQL's DDL is transactional: a failure, or the process
 * dying, leaves the old data. The DROPs lock the tables, so other instances wait
 * (their requests are held, not failed) until the commit. The uploaded files under
 * storage/ are swapped first through the journal and put back if the transaction fails.
 * A SQLite backup is converted in the same transaction instead (cross-engine-copy.ts).
 * The transaction also writes a commit marker the journal names: a crash between the
 * commit and the journal's "swapped" mark is settled at the next open by looking for it
 * (restoreCommitted), so the files always match the rows.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Executor, Store } from '../store/store.js';
import { storeFeatures } from '../store/store-features.js';
import { quoteIdent, type DialectName } from '../store/dialect.js';
import { VERSION_KEY } from '../core/collections/collection-service.js';
import type { DatabaseRestorer } from './database-restorer.js';
import { PG_DIR, PG_SCHEMA_ENTRY, type PgSchema, type PgTableLayout } from './postgres-snapshot.js';
import { EXCLUDED_TABLES } from './snapshot-source.js';
import { openArchiveTables } from './archive-tables.js';
import { copyAcrossEngines, EPHEMERAL_TABLES } from './cross-engine-copy.js';
import { finishSwap, markSwapped, swapIn, undoSwap } from './restore-journal.js';

const STORAGE_ITEMS = ['storage'];
/** The `_params` row holding the commit marker of the last restore. */
const MARKER_KEY = 'restoreCommitMarker';

/** True when the restore transaction that wrote this marker committed. */
export async function restoreCommitted(store: Store, marker: string): Promise<boolean> {
  try {
    const row = await store.get(`SELECT "value" FROM "_params" WHERE "id" = $1`, [MARKER_KEY]);
    return row !== undefined && String(row.value) === marker;
  } catch (err) {
    // No _params table: nothing of the restore committed.
    if ((err as { code?: string }).code === '42P01') return false;
    throw err;
  }
}
/** PostgreSQL takes at most 65535 parameters per statement. */
const MAX_PARAMS = 30_000;

export class PostgresRestorer implements DatabaseRestorer {
  constructor(private readonly store: Store, private readonly dataDir: string) {}

  async swap(extractedDir: string, oldDir: string, from: DialectName): Promise<void> {
    const schema = from === 'postgres' ? JSON.parse(await readFile(join(extractedDir, PG_SCHEMA_ENTRY), 'utf8')) as PgSchema : undefined;
    const converted = from === 'postgres' ? undefined : await openArchiveTables(from, extractedDir);
    // Left "swapping" until the database commits: a crash before that puts the files back.
    const marker = randomUUID();
    swapIn(this.dataDir, extractedDir, oldDir, STORAGE_ITEMS, false, marker);
    try {
      await this.store.transaction(async (tx) => {
        await dropAll(tx, converted ? EPHEMERAL_TABLES : new Set());
        if (converted) await copyAcrossEngines(tx, this.store.dialect, converted, storeFeatures(this.store));
        else {
          for (const table of schema!.tables) await createTable(tx, table);
          for (const table of schema!.tables) await loadRows(tx, table, join(extractedDir, PG_DIR, `${table.name}.jsonl`));
          for (const table of schema!.tables) await finishTable(tx, table);
          for (const view of schema!.views) await tx.exec(`CREATE VIEW ${quoteIdent(view.name)} AS ${view.definition}`);
          await tx.run(`INSERT INTO "_params" ("id", "value") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value"`, [VERSION_KEY, randomUUID()]);
        }
        await tx.run(`INSERT INTO "_params" ("id", "value") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value"`, [MARKER_KEY, marker]);
      });
    } catch (err) {
      undoSwap(this.dataDir);
      throw err;
    } finally {
      converted?.close();
      this.store.schemaChanged();
    }
    markSwapped(this.dataDir);
  }

  /** The database commit cannot be taken back here: the files go back, the data stays restored. */
  async undo(): Promise<void> {
    undoSwap(this.dataDir);
  }

  async finish(): Promise<void> {
    finishSwap(this.dataDir);
  }
}

/** Drops every Galley table and view but the request logs and `keep`. */
async function dropAll(tx: Executor, keep: ReadonlySet<string>): Promise<void> {
  const views = await tx.all(`SELECT viewname AS "name" FROM pg_views WHERE schemaname = current_schema()`);
  for (const v of views) await tx.exec(`DROP VIEW IF EXISTS ${quoteIdent(String(v.name))} CASCADE`);
  const tables = await tx.all(`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = current_schema()`);
  for (const t of tables) if (!EXCLUDED_TABLES.has(String(t.name)) && !keep.has(String(t.name))) await tx.exec(`DROP TABLE IF EXISTS ${quoteIdent(String(t.name))} CASCADE`);
}

export async function createTable(tx: Executor, table: PgTableLayout): Promise<void> {
  const columns = table.columns.map((c) => {
    let sql = `${quoteIdent(c.name)} ${c.type}`;
    if (c.identity === 'a') sql += ' GENERATED ALWAYS AS IDENTITY';
    else if (c.identity === 'd') sql += ' GENERATED BY DEFAULT AS IDENTITY';
    else if (c.default !== null) sql += ` DEFAULT ${c.default}`;
    if (c.notNull) sql += ' NOT NULL';
    return sql;
  });
  await tx.exec(`CREATE TABLE ${quoteIdent(table.name)} (${columns.join(', ')})`);
}

export async function loadRows(tx: Executor, table: PgTableLayout, file: string): Promise<void> {
  const json = new Set(table.columns.filter((c) => c.type === 'json' || c.type === 'jsonb').map((c) => c.name));
  let columns: string[] | undefined;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (!columns || batch.length === 0) return;
    const width = columns.length;
    const values = batch.map((_, r) => `(${columns!.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    const overriding = table.columns.some((c) => c.identity === 'a') ? ' OVERRIDING SYSTEM VALUE' : '';
    await tx.run(`INSERT INTO ${quoteIdent(table.name)} (${columns.map(quoteIdent).join(', ')})${overriding} VALUES ${values}`, batch.flat());
    batch = [];
  };
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!columns) {
      columns = (JSON.parse(line) as { columns: string[] }).columns;
      continue;
    }
    const row = JSON.parse(line) as unknown[];
    // pg would send a JS array as a PostgreSQL array: JSON columns get their JSON text.
    batch.push(row.map((v, i) => (json.has(columns![i]!) && v !== null ? JSON.stringify(v) : v)));
    if ((batch.length + 1) * columns.length > MAX_PARAMS) await flush();
  }
  await flush();
}

/** Constraints and indexes after the rows (faster, as pg_dump does), and identity sequences past the restored values. */
export async function finishTable(tx: Executor, table: PgTableLayout): Promise<void> {
  for (const c of table.constraints) await tx.exec(`ALTER TABLE ${quoteIdent(table.name)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
  for (const index of table.indexes) await tx.exec(index);
  for (const c of table.columns.filter((col) => col.identity !== '')) {
    await tx.get(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quoteIdent(c.name)}) FROM ${quoteIdent(table.name)}), 0) + 1, false) AS "v"`,
      [quoteIdent(table.name), c.name],
    );
  }
}
