/**
 * Verification of a PostgreSQL backup by restoring it: inside one transaction that is
 * always rolled back, a scratch schema is created and put first on the search path
 * (SET LOCAL), the dump is loaded there exactly as a restore loads it
 * (postgres-restorer.ts: tables, rows, then constraints, unique and other indexes,
 * identity sequences, views), so PostgreSQL itself checks every row against the
 * table's types and constraints; then every table is read back and counted and hashed
 * as the backup's manifest says. Nothing of it outlives the transaction, and the live
 * tables are never named (index definitions are re-qualified to the scratch schema).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UniqueViolation, type Executor, type Store } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { createTableHasher } from './table-hash.js';
import { createTable, finishTable, loadRows } from './postgres-restorer.js';
import { PG_DIR, PG_SCHEMA_ENTRY, type PgSchema, type PgTableLayout } from './postgres-snapshot.js';
import type { TableEntry } from './manifest.js';

const FETCH = 1000;

class Rollback extends Error {
  constructor(readonly result: ScratchResult) {
    super('rolled back');
  }
}

export interface ScratchResult {
  /** 'ok', or what PostgreSQL refused while loading the copy. */
  integrity: string;
  tables: TableEntry[];
  /** Why no scratch schema could be made (the database user may not create schemas), when so. */
  unavailable?: string;
}

/** `CREATE [UNIQUE] INDEX name ON [ONLY] schema.table …` with the table's schema replaced by `schema`. */
export function requalifyIndex(definition: string, schema: string): string | undefined {
  const m = /^(CREATE (?:UNIQUE )?INDEX (?:"(?:[^"]|"")+"|[^\s".]+) ON (?:ONLY )?)(?:"(?:[^"]|"")+"|[^\s".]+)\./.exec(definition);
  return m ? `${m[1]}${quoteIdent(schema)}.${definition.slice(m[0].length)}` : undefined;
}

/** Loads the dump extracted under dir into a scratch schema of store's database, checks it, and rolls it all back. */
export async function checkInScratchSchema(store: Store, dir: string): Promise<ScratchResult> {
  const schema = JSON.parse(await readFile(join(dir, PG_SCHEMA_ENTRY), 'utf8')) as PgSchema;
  const scratch = `galley_verify_${randomBytes(6).toString('hex')}`;
  try {
    await store.transaction(async (tx) => {
      await tx.exec(`CREATE SCHEMA ${quoteIdent(scratch)}`);
      // pg_catalog stays implicitly first: only Galley's names resolve to the scratch schema.
      await tx.exec(`SET LOCAL search_path TO ${quoteIdent(scratch)}`);
      const problem = await load(tx, schema, dir, scratch);
      if (problem) throw new Rollback({ integrity: problem, tables: [] });
      const tables: TableEntry[] = [];
      for (const table of schema.tables) tables.push(await hashTable(tx, table.name));
      throw new Rollback({ integrity: 'ok', tables });
    });
  } catch (err) {
    if (err instanceof Rollback) return err.result;
    // A database user without CREATE on the database: the dump is checked from its files only.
    if ((err as { code?: string }).code === '42501') return { integrity: 'ok', tables: [], unavailable: (err as Error).message };
    throw err;
  }
  throw new Error('the scratch transaction was not rolled back');
}

/** '' when the whole dump loaded; otherwise what PostgreSQL refused. */
async function load(tx: Executor, schema: PgSchema, dir: string, scratch: string): Promise<string> {
  const layouts: PgTableLayout[] = [];
  for (const table of schema.tables) {
    const indexes = table.indexes.map((i) => requalifyIndex(i, scratch));
    const bad = indexes.findIndex((i) => i === undefined);
    if (bad >= 0) return `${table.name}: an index definition of an unexpected form (${table.indexes[bad]!.slice(0, 200)})`;
    layouts.push({ ...table, indexes: indexes as string[] });
  }
  let step = '';
  try {
    for (const table of layouts) {
      step = `creating ${table.name}`;
      await createTable(tx, table);
    }
    for (const table of layouts) {
      step = `loading the rows of ${table.name}`;
      await loadRows(tx, table, join(dir, PG_DIR, `${table.name}.jsonl`));
    }
    for (const table of layouts) {
      step = `adding the constraints and indexes of ${table.name}`;
      await finishTable(tx, table);
    }
    for (const view of schema.views) {
      step = `creating the view ${view.name}`;
      await tx.exec(`CREATE VIEW ${quoteIdent(view.name)} AS ${view.definition}`);
    }
  } catch (err) {
    const why = err instanceof UniqueViolation ? `the unique constraint or index ${err.indexName ?? ''} is violated` : (err as Error).message;
    return `PostgreSQL refused the copy while ${step}: ${why}`;
  }
  return '';
}

/** Row count and content hash of a table as read back from the scratch copy (the same hash the dump computed). */
async function hashTable(tx: Executor, name: string): Promise<TableEntry> {
  const cursor = quoteIdent(`_galley_verify_${name}`);
  await tx.exec(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT * FROM ${quoteIdent(name)}`);
  let hasher: ReturnType<typeof createTableHasher> | undefined;
  for (;;) {
    const rows = await tx.all(`FETCH ${FETCH} FROM ${cursor}`);
    hasher ??= createTableHasher(rows[0] ? Object.keys(rows[0]) : await columnsOf(tx, name));
    for (const row of rows) hasher.add(Object.values(row));
    if (rows.length < FETCH) break;
  }
  await tx.exec(`CLOSE ${cursor}`);
  return { name, ...hasher.done() };
}

async function columnsOf(tx: Executor, name: string): Promise<string[]> {
  return (await tx.all(
    `SELECT a.attname AS "name" FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [name],
  )).map((r) => String(r.name));
}
