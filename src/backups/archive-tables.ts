/**
 * The tables of a backup extracted from its archive, read row by row whatever engine
 * took it, for a restore into the other engine (cross-engine-copy.ts): a SQLite
 * backup's `data.db` (opened read-only, rows in rowid order) or a PostgreSQL backup's
 * `db/<table>.jsonl` dump (streamed, `_rowid_` as the row's insertion position). Values
 * come as that engine returns them; the copier converts them through the field types.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { quoteIdent, type DialectName } from '../store/dialect.js';
import type { CollectionModel } from '../core/collections/model.js';
import { EXCLUDED_TABLES } from './snapshot-source.js';
import { SQLITE_DB_ENTRY } from './sqlite-snapshot.js';
import { PG_DIR, PG_SCHEMA_ENTRY, type PgSchema } from './postgres-snapshot.js';

export interface ArchiveRow {
  /** The row's insertion position (SQLite rowid, PostgreSQL `_rowid_`), when the table has one. */
  position: number | undefined;
  values: Record<string, unknown>;
}

export interface ArchiveTables {
  readonly engine: DialectName;
  /** Every table of the backup (request logs excluded). */
  readonly names: string[];
  /** The collection definitions (`_collections.data`). */
  definitions(): Promise<CollectionModel[]>;
  rows(table: string): AsyncIterable<ArchiveRow>;
  close(): void;
}

/** The tables of the backup extracted under dir, taken by `engine`. */
export async function openArchiveTables(engine: DialectName, dir: string): Promise<ArchiveTables> {
  return engine === 'sqlite' ? SqliteArchiveTables.open(join(dir, SQLITE_DB_ENTRY)) : PostgresArchiveTables.open(dir);
}

/** The PostgreSQL insertion-order column (see schema-sql.ts). */
const PG_POSITION = '_rowid_';

class SqliteArchiveTables implements ArchiveTables {
  readonly engine = 'sqlite' as const;

  private constructor(private readonly db: Database.Database, readonly names: string[]) {}

  static open(file: string): SqliteArchiveTables {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[])
      .filter((n) => !EXCLUDED_TABLES.has(n));
    return new SqliteArchiveTables(db, names);
  }

  async definitions(): Promise<CollectionModel[]> {
    return (this.db.prepare('SELECT "data" FROM "_collections" ORDER BY rowid').pluck().all() as string[]).map((d) => JSON.parse(d) as CollectionModel);
  }

  async *rows(table: string): AsyncIterable<ArchiveRow> {
    // Every Galley table is a rowid table: its insertion order is kept across engines.
    const stmt = this.db.prepare(`SELECT rowid AS "__position", * FROM ${quoteIdent(table)} ORDER BY rowid`);
    for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
      const { __position: position, ...values } = row;
      yield { position: Number(position), values };
    }
  }

  close(): void {
    this.db.close();
  }
}

class PostgresArchiveTables implements ArchiveTables {
  readonly engine = 'postgres' as const;

  private constructor(private readonly dir: string, readonly names: string[]) {}

  static async open(dir: string): Promise<PostgresArchiveTables> {
    const schema = JSON.parse(await readFile(join(dir, PG_SCHEMA_ENTRY), 'utf8')) as PgSchema;
    return new PostgresArchiveTables(dir, schema.tables.map((t) => t.name).filter((n) => !EXCLUDED_TABLES.has(n)));
  }

  async definitions(): Promise<CollectionModel[]> {
    const models: CollectionModel[] = [];
    for await (const row of this.rows('_collections')) models.push(JSON.parse(String(row.values.data)) as CollectionModel);
    return models;
  }

  async *rows(table: string): AsyncIterable<ArchiveRow> {
    const file = join(this.dir, PG_DIR, `${table}.jsonl`);
    if (!existsSync(file)) return;
    let columns: string[] | undefined;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!columns) {
        columns = (JSON.parse(line) as { columns: string[] }).columns;
        continue;
      }
      const list = JSON.parse(line) as unknown[];
      const values: Record<string, unknown> = {};
      let position: number | undefined;
      columns.forEach((c, i) => {
        if (c === PG_POSITION) position = Number(list[i]);
        else values[c] = list[i];
      });
      yield { position, values };
    }
  }

  close(): void {}
}
