/**
 * The import's verification: for every copied table, the row count and a SHA-256 over
 * its rows (values normalised to their API form, rows in id order by byte value) are
 * computed over data.db and over the target, and compared. It runs inside the import's
 * transaction, so a mismatch rolls the whole import back.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../../store/store.js';
import { quoteIdent, type SqlDialect } from '../../store/dialect.js';
import type { Collection } from '../../core/collections/collection.js';
import { selectList } from '../../core/records/record-reader.js';
import type { PbSource } from './source.js';
import { normalisedRow } from './record-values.js';

export interface TableCheck {
  table: string;
  sourceRows: number;
  targetRows: number;
  /** Undefined for views (compared by count only: their rows are computed). */
  sourceHash?: string;
  targetHash?: string;
  ok: boolean;
}

const PAGE = 500;

class RowHash {
  private readonly hash = createHash('sha256');
  rows = 0;
  add(values: unknown[]): void {
    this.hash.update(JSON.stringify(values));
    this.hash.update('\n');
    this.rows++;
  }
  digest(): string {
    return this.hash.digest('hex').slice(0, 16);
  }
}

export function sourceTableHash(source: PbSource, collection: Collection): { rows: number; hash: string } {
  const h = new RowHash();
  for (const row of source.rows(collection.name, collection.fields.map((f) => f.model.name))) h.add(normalisedRow(collection, row));
  return { rows: h.rows, hash: h.digest() };
}

/** Read in pages by id (keyset), compared byte-wise on both engines to match SQLite's order. */
export async function targetTableHash(db: Executor, dialect: SqlDialect, collection: Collection): Promise<{ rows: number; hash: string }> {
  const h = new RowHash();
  const id = dialect.name === 'postgres' ? '"id" COLLATE "C"' : '"id"';
  const table = quoteIdent(collection.name);
  let last: string | undefined;
  for (;;) {
    const where = last === undefined ? '' : `WHERE ${id} > ${dialect.placeholder(1)} `;
    const rows = await db.all(`SELECT ${selectList(collection)} FROM ${table} ${where}ORDER BY ${id} LIMIT ${PAGE}`, last === undefined ? [] : [last]);
    for (const row of rows) h.add(normalisedRow(collection, row));
    if (rows.length < PAGE) break;
    last = String(rows[rows.length - 1]!.id);
  }
  return { rows: h.rows, hash: h.digest() };
}

export async function checkTable(db: Executor, dialect: SqlDialect, source: PbSource, collection: Collection): Promise<TableCheck> {
  if (collection.isView) {
    const sourceRows = source.count(collection.name);
    const row = await db.get(`SELECT count(*) AS "n" FROM ${quoteIdent(collection.name)}`);
    const targetRows = Number(row?.n ?? 0);
    return { table: collection.name, sourceRows, targetRows, ok: sourceRows === targetRows };
  }
  const s = sourceTableHash(source, collection);
  const t = await targetTableHash(db, dialect, collection);
  return { table: collection.name, sourceRows: s.rows, targetRows: t.rows, sourceHash: s.hash, targetHash: t.hash, ok: s.rows === t.rows && s.hash === t.hash };
}

/** `_migrations`: the file names, compared as a sorted list. */
export async function checkMigrations(db: Executor, files: string[]): Promise<TableCheck> {
  const target = (await db.all(`SELECT "file" FROM "_migrations"`)).map((r) => String(r.file)).filter((f) => files.includes(f)).sort();
  const hash = (list: string[]) => createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16);
  const sorted = [...files].sort();
  return { table: '_migrations', sourceRows: files.length, targetRows: target.length, sourceHash: hash(sorted), targetHash: hash(target), ok: hash(sorted) === hash(target) };
}
