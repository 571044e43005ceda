/**
 * The PocketBase side of an import: a `pb_data` folder (v0.23+) read without changing
 * it. data.db is opened read-only and read by column name (column order differs
 * between fresh and upgraded PocketBase databases); nothing here writes anywhere.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { quoteIdent } from '../../store/dialect.js';
import { ImportError } from './import-error.js';

/** One row of PocketBase's `_collections` table, JSON columns parsed. */
export interface PbCollectionRow {
  id: string;
  name: string;
  type: string;
  system: boolean;
  fields: Record<string, unknown>[];
  indexes: string[];
  rules: Record<'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule', string | null>;
  options: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface PbMigration {
  file: string;
  /** PocketBase stores Unix microseconds. */
  applied: number;
}

export class PbSource {
  private constructor(readonly dir: string, private readonly db: Database.Database) {}

  /** Opens a pb_data folder, refusing anything that is not PocketBase 0.23+ data. */
  static open(path: string): PbSource {
    const dir = resolve(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ImportError(`${dir} is not a directory (expected a PocketBase pb_data folder)`);
    const file = join(dir, 'data.db');
    if (!existsSync(file)) throw new ImportError(`${dir} is not a PocketBase pb_data folder: it has no data.db`);
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma('query_only = ON');
      // Reads the schema: a file that is not an SQLite database fails here.
      db.prepare(`SELECT count(*) FROM sqlite_master`).get();
    } catch (err) {
      throw new ImportError(`cannot read ${file}: ${(err as Error).message} (is it a PocketBase data.db?)`);
    }
    const source = new PbSource(dir, db);
    try {
      source.checkVersion(file);
    } catch (err) {
      source.close();
      throw err;
    }
    return source;
  }

  private checkVersion(file: string): void {
    const tables = new Set((this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    const columns = tables.has('_collections') ? this.columnsOf('_collections') : [];
    if (tables.has('_admins') || columns.includes('schema'))
      throw new ImportError(`${file} was written by PocketBase older than 0.23 (it has _admins / _collections.schema): open it once with PocketBase 0.23 or newer, which upgrades it, then import again`);
    if (!tables.has('_collections') || !columns.includes('fields') || !tables.has('_params'))
      throw new ImportError(`${file} is not a PocketBase 0.23+ database (no _collections table with fields)`);
  }

  /** SQLite's quick_check: a damaged data.db is refused before anything is written. */
  checkIntegrity(): void {
    let result: string;
    try {
      result = String((this.db.prepare('PRAGMA quick_check(1)').get() as { quick_check: unknown }).quick_check);
    } catch (err) {
      throw new ImportError(`data.db is damaged: ${(err as Error).message}`);
    }
    if (result !== 'ok') throw new ImportError(`data.db is damaged: ${result}`);
  }

  /** Column names of a table (or view) in data.db. */
  columnsOf(table: string): string[] {
    return (this.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
  }

  hasTable(name: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?`).get(name) !== undefined;
  }

  collections(): PbCollectionRow[] {
    const rows = this.db.prepare(
      `SELECT id, name, type, system, fields, indexes, listRule, viewRule, createRule, updateRule, deleteRule, options, created, updated FROM _collections ORDER BY rowid`,
    ).all() as Record<string, unknown>[];
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      type: String(r.type),
      system: Boolean(r.system),
      fields: parseJson(r.fields, [], `fields of collection ${String(r.name)}`) as Record<string, unknown>[],
      indexes: parseJson(r.indexes, [], `indexes of collection ${String(r.name)}`) as string[],
      rules: {
        listRule: rule(r.listRule), viewRule: rule(r.viewRule), createRule: rule(r.createRule),
        updateRule: rule(r.updateRule), deleteRule: rule(r.deleteRule),
      },
      options: parseJson(r.options, {}, `options of collection ${String(r.name)}`) as Record<string, unknown>,
      created: String(r.created ?? ''),
      updated: String(r.updated ?? ''),
    }));
  }

  /** The raw `value` of the `settings` row of `_params` (JSON, or base64 when encrypted), or undefined. */
  settingsValue(): string | undefined {
    const row = this.db.prepare(`SELECT value FROM _params WHERE id = 'settings'`).get() as { value: unknown } | undefined;
    if (!row || row.value === null || row.value === undefined) return undefined;
    return Buffer.isBuffer(row.value) ? row.value.toString('utf8') : String(row.value);
  }

  migrations(): PbMigration[] {
    if (!this.hasTable('_migrations')) return [];
    return (this.db.prepare(`SELECT file, applied FROM _migrations ORDER BY applied, file`).all() as { file: unknown; applied: unknown }[])
      .map((r) => ({ file: String(r.file), applied: Number(r.applied) || 0 }));
  }

  count(table: string): number {
    return Number((this.db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n);
  }

  /**
   * The rows of a table, the given columns only, ordered by id, as raw SQLite values.
   * Columns the table lacks come back as undefined.
   */
  *rows(table: string, columns: string[]): Generator<Record<string, unknown>> {
    const present = new Set(this.columnsOf(table));
    const list = columns.filter((c) => present.has(c));
    const stmt = this.db.prepare(`SELECT ${list.map(quoteIdent).join(', ')} FROM ${quoteIdent(table)} ORDER BY "id"`);
    for (const row of stmt.iterate()) yield row as Record<string, unknown>;
  }

  close(): void {
    this.db.close();
  }
}

const rule = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function parseJson(value: unknown, fallback: unknown, what: string): unknown {
  if (value === null || value === undefined || value === '') return fallback;
  try {
    return JSON.parse(String(value));
  } catch {
    throw new ImportError(`the ${what} in data.db is not valid JSON`);
  }
}
