/**
 * SQLite: an in-memory copy of a vector field's values — one Float32Array per loaded
 * collection and field, with the rowid of each — reused while the collection's data
 * version (core/versions) is unchanged, so an exact search scans plain memory instead
 * of calling a SQL function per row (which costs a Buffer per row in better-sqlite3;
 * docs/benchmarks.md, "Vector search"). Any committed write to the collection, from
 * this process or another, moves the version, and the next search loads it again.
 * Fields whose vectors would take more than MAX_BYTES are not copied (the SQL function
 * ranks them). The copy dies with its Collection object (a schema change replaces it).
 * A field's chunk table (chunk-table.ts) is copied the same way, with each chunk's
 * record id: its rows are only ever written in a write of their record, so the
 * collection's data version moves with them too.
 */
import type { Collection } from '../core/collections/collection.js';
import type { Executor } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { blobView } from './vector-values.js';

const MAX_BYTES = 512 * 1024 * 1024;

export interface VectorCopy {
  stamp: string;
  dimensions: number;
  /** rowids[slot]; the vector of a slot is data[slot * dimensions …]. */
  rowids: Float64Array;
  data: Float32Array;
  slotOf: Map<number, number>;
  /** For a chunk table: the record id of each slot. */
  records?: string[];
}

type Entry = VectorCopy | { stamp: string; tooLarge: true };
const copies = new WeakMap<Collection, Map<string, Entry>>();

export function vectorCopy(db: Executor, collection: Collection, field: string, dimensions: number, stamp: string): Promise<VectorCopy | undefined> {
  return loadCopy(db, collection, field, quoteIdent(collection.name), quoteIdent(field), dimensions, stamp);
}

/** The copy of a chunk table's vectors, with the record of each. */
export function chunkVectorCopy(db: Executor, collection: Collection, table: string, dimensions: number, stamp: string): Promise<VectorCopy | undefined> {
  return loadCopy(db, collection, `/${table}`, quoteIdent(table), '"vector"', dimensions, stamp, '"record"');
}

async function loadCopy(db: Executor, collection: Collection, key: string, table: string, col: string, dimensions: number, stamp: string, recordCol?: string): Promise<VectorCopy | undefined> {
  let perField = copies.get(collection);
  if (!perField) copies.set(collection, (perField = new Map()));
  const known = perField.get(key);
  if (known?.stamp === stamp) return 'tooLarge' in known ? undefined : known;
  const count = Number((await db.get(`SELECT COUNT(*) AS "n" FROM ${table} WHERE ${col} IS NOT NULL`))?.n ?? 0);
  if (count * dimensions * 4 > MAX_BYTES) {
    perField.set(key, { stamp, tooLarge: true });
    return undefined;
  }
  const rows = await db.all(`SELECT rowid AS "r", ${col} AS "v"${recordCol ? `, ${recordCol} AS "g"` : ''} FROM ${table} WHERE ${col} IS NOT NULL`);
  const data = new Float32Array(rows.length * dimensions);
  const rowids = new Float64Array(rows.length);
  const slotOf = new Map<number, number>();
  const records: string[] = [];
  let n = 0;
  for (const row of rows) {
    const blob = row.v;
    if (!(blob instanceof Uint8Array) || blob.byteLength !== dimensions * 4) continue;
    data.set(blobView(blob), n * dimensions);
    rowids[n] = Number(row.r);
    slotOf.set(Number(row.r), n);
    if (recordCol) records.push(String(row.g));
    n++;
  }
  const copy: VectorCopy = { stamp, dimensions, rowids: rowids.subarray(0, n), data: data.subarray(0, n * dimensions), slotOf, ...(recordCol ? { records } : {}) };
  perField.set(key, copy);
  return copy;
}
