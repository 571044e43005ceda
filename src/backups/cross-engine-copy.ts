/**
 * A backup written into a database of the other engine (SQLite → PostgreSQL and
 * back), inside ONE transaction of the target that the caller owns — the shape of the
 * PocketBase import (src/import/pocketbase): the target's own DDL is generated from the
 * backup's collection definitions (kept exactly, ids, secrets and field ids included),
 * every record value goes through its field type (read as the source engine stores
 * it, written as the target stores it: booleans, JSON, numbers, dates), the internal
 * tables (settings, migrations, webhooks, OTPs, MFAs, cron runs, idempotency keys, jobs) are
 * copied column by column, insertion order is kept (SQLite rowid ↔ PostgreSQL
 * `_rowid_`), and every table is then verified against the source by row count and a hash of its values in
 * API form. Any failure throws, and the caller's transaction rolls everything back.
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from '../store/store.js';
import type { StoreFeatures } from '../store/store-features.js';
import { quoteIdent, type DialectName } from '../store/dialect.js';
import { TransactionStore } from '../store/transaction-store.js';
import { insertDefinition, updateDefinition } from '../core/collections/definitions-table.js';
import { ensureGalleyTables } from './galley-tables.js';
import { createTableSql } from '../core/collections/schema-sql.js';
import { CollectionService, VERSION_KEY } from '../core/collections/collection-service.js';
import { CollectionRegistry } from '../core/collections/registry.js';
import type { BoundField, Collection } from '../core/collections/collection.js';
import type { CollectionModel } from '../core/collections/model.js';
import { selectList } from '../core/records/record-reader.js';
import { ApiError } from '../core/errors.js';
import { createTableHasher } from './table-hash.js';
import type { ArchiveTables } from './archive-tables.js';
import { RestoreError } from './database-restorer.js';
import { ftsTable } from '../search/sqlite-search.js';
import { chunkTablePrefix } from '../vectors/chunk-table.js';

/** Galley's internal tables, copied column by column. */
const INTERNAL_TABLES = ['_params', '_migrations', '_otps', '_otpAttempts', '_mfas', '_webhooks', '_webhookDeliveries', '_cronRuns', '_idempotencyKeys', '_jobs', '_embeddings'];
/**
 * Sign-in failure and rate-limit windows (PostgreSQL only, kept in memory on SQLite)
 * that expire on their own within minutes: not moved, and a PostgreSQL target keeps
 * its own (the running instances use them; they create them only at start).
 */
export const EPHEMERAL_TABLES = new Set(['_authCounters', '_rateLimits']);
/** Not copied row by row: `_collections` is written from the definitions. */
const NOT_COPIED = new Set(['_collections', ...EPHEMERAL_TABLES]);

/** Parameters per statement stay far below both engines' limits (as in the PocketBase import). */
const MAX_PARAMS = 8000;
const MAX_ROWS = 200;
/** Rows per page when a copied table is read back for the comparison. */
const COMPARE_PAGE = 2000;

/** Copies the backup's tables into the empty database behind tx (its dialect is `dialect`), then verifies them. */
/** `features` are the target's (pgvector or not: vector columns are laid out for it). */
export async function copyAcrossEngines(tx: Executor, dialect: TransactionStore['dialect'], source: ArchiveTables, features: StoreFeatures): Promise<void> {
  const target = new TransactionStore(tx, dialect);
  const models = await source.definitions();
  const tables = models.filter((m) => m.type !== 'view');
  const known = new Set([...INTERNAL_TABLES, ...NOT_COPIED, ...tables.map((m) => m.name)]);
  // A SQLite full-text index (its FTS5 table and shadow tables) is rebuilt by the target's own DDL;
  // so are the vector fields' chunk tables, empty: the target's first start embeds their records again.
  const searchIndexes = tables.map(ftsTable);
  const chunkTables = tables.map((m) => chunkTablePrefix(m.id));
  const derived = (name: string) => searchIndexes.some((fts) => name === fts || name.startsWith(`${fts}_`)) || chunkTables.some((c) => name.startsWith(c));
  const unknown = source.names.filter((n) => !known.has(n) && !derived(n));
  if (unknown.length)
    throw new RestoreError(`the backup holds tables that are not Galley's (${unknown.join(', ')}); they cannot be moved to ${engineName(dialect.name)}`);

  await ensureGalleyTables(target);
  for (const model of tables) {
    await insertDefinition(target, target, model);
    for (const sql of createTableSql(model, dialect.name, features)) await target.exec(sql);
  }
  await createViews(target, models.filter((m) => m.type === 'view'));

  const registry = new CollectionRegistry(dialect.name, features);
  registry.replaceAll(tables);
  for (const model of tables) await copyRecords(target, source, registry.find(model.id)!);
  for (const name of INTERNAL_TABLES) if (source.names.includes(name)) await copyInternal(target, source, name);
  // A new collections version: every instance on the target reloads its schema.
  const p = dialect.placeholder;
  await target.run(`INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value"`, [VERSION_KEY, randomUUID()]);

  const problems: string[] = [];
  for (const model of tables) problems.push(...(await compareRecords(target, source, registry.find(model.id)!)));
  for (const name of INTERNAL_TABLES) if (source.names.includes(name)) problems.push(...(await compareInternal(target, source, name)));
  const definitions = await target.get('SELECT count(*) AS "n" FROM "_collections"');
  if (Number(definitions?.n) !== models.length) problems.push(`_collections has ${String(definitions?.n)} definitions, the backup ${models.length}`);
  if (problems.length) throw new RestoreError(`the data moved to ${engineName(dialect.name)} does not match the backup (${problems.join('; ')})`);
}

const engineName = (name: DialectName) => (name === 'postgres' ? 'PostgreSQL' : 'SQLite');

/**
 * Views go through the collection service (their query is checked and translated for
 * the target), retried while a pass makes progress (a view may read another view);
 * the backup's definition is then kept as it was (field ids included).
 */
async function createViews(target: TransactionStore, views: CollectionModel[]): Promise<void> {
  const service = new CollectionService(target);
  let pending = views;
  const reasons = new Map<string, string>();
  for (let progress = true; pending.length && progress;) {
    progress = false;
    const left: CollectionModel[] = [];
    for (const view of pending) {
      try {
        await service.reload();
        await target.transaction(() => service.import([view], false));
        await updateDefinition(target, target, view);
        progress = true;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        reasons.set(view.name, err.message);
        left.push(view);
      }
    }
    pending = left;
  }
  if (pending.length)
    throw new RestoreError(`the view collections ${pending.map((v) => `${v.name} (${reasons.get(v.name)})`).join(', ')} cannot be created on ${engineName(target.dialect.name)}`);
}

/**
 * A stored value as the field type reads it. The record reader selects `json` fields
 * of PostgreSQL as text (selectList); a dump holds the jsonb value parsed, so it is put
 * back in text form first (a JSON string value would otherwise be read as JSON text).
 */
function readValue(field: BoundField, raw: unknown, jsonbParsed: boolean): unknown {
  if (raw === undefined) return field.type.empty(field.model);
  if (jsonbParsed && field.model.type === 'json' && raw !== null) raw = JSON.stringify(raw);
  return field.type.fromDb(raw, field.model);
}

async function copyRecords(target: TransactionStore, source: ArchiveTables, collection: Collection): Promise<void> {
  const dialect = target.dialect;
  const position = dialect.name === 'postgres' ? '_rowid_' : 'rowid';
  const names = collection.fields.map((f) => f.model.name);
  const width = names.length + 1;
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / width)));
  const overriding = dialect.name === 'postgres' ? ' OVERRIDING SYSTEM VALUE' : '';
  const head = `INSERT INTO ${quoteIdent(collection.name)} (${[position, ...names].map(quoteIdent).join(', ')})${overriding} VALUES `;
  let batch: unknown[] = [];
  let rows = 0;
  const flush = async () => {
    if (rows === 0) return;
    let n = 0;
    const tuples = Array.from({ length: rows }, () => `(${Array.from({ length: width }, () => dialect.placeholder(++n)).join(', ')})`);
    await target.run(head + tuples.join(', '), batch);
    batch = [];
    rows = 0;
  };
  for await (const row of source.rows(collection.name)) {
    batch.push(row.position ?? null);
    for (const f of collection.fields) batch.push(f.type.toDb(readValue(f, row.values[f.model.name], source.engine === 'postgres'), f.model, dialect.name));
    if (++rows === perStatement) await flush();
  }
  await flush();
  if (dialect.name === 'postgres')
    await target.get(`SELECT setval(pg_get_serial_sequence($1, '_rowid_'), COALESCE((SELECT max("_rowid_") FROM ${quoteIdent(collection.name)}), 0) + 1, false) AS "v"`, [quoteIdent(collection.name)]);
}

/** The target's columns of an internal table. */
async function targetColumns(target: TransactionStore, table: string): Promise<string[]> {
  return (await target.columns(`SELECT * FROM ${quoteIdent(table)}`)).map((c) => c.name);
}

async function copyInternal(target: TransactionStore, source: ArchiveTables, table: string): Promise<void> {
  const columns = await targetColumns(target, table);
  const p = target.dialect.placeholder;
  const sql = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map((_, i) => p(i + 1)).join(', ')})`;
  for await (const row of source.rows(table)) {
    // The collections version is written anew once everything is in.
    if (table === '_params' && row.values.id === VERSION_KEY) continue;
    await target.run(sql, columns.map((c) => internalValue(row.values[c])));
  }
}

/** Internal tables hold text and integers (PostgreSQL's bigint arrives as text in a dump, which both engines take). */
const internalValue = (v: unknown): unknown => (typeof v === 'boolean' ? Number(v) : v ?? null);

/** Count and hash of a collection's rows in API form with their insertion positions, on both sides. */
async function compareRecords(target: TransactionStore, source: ArchiveTables, collection: Collection): Promise<string[]> {
  const names = ['(position)', ...collection.fields.map((f) => f.model.name)];
  const s = createTableHasher(names);
  for await (const row of source.rows(collection.name))
    s.add([row.position ?? null, ...collection.fields.map((f) => readValue(f, row.values[f.model.name], source.engine === 'postgres'))]);
  const t = createTableHasher(names);
  // Read back in pages by position (keyset): a big table never sits in memory whole.
  const p = target.dialect.placeholder;
  const position = target.dialect.name === 'postgres' ? '"_rowid_"' : 'rowid';
  const sql = `SELECT ${position} AS "__position", ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE ${position} > ${p(1)} ORDER BY ${position} LIMIT ${COMPARE_PAGE}`;
  for (let after = -1; ;) {
    const rows = await target.all(sql, [after]);
    for (const row of rows) t.add([Number(row.__position), ...collection.fields.map((f) => readValue(f, row[f.model.name], false))]);
    if (rows.length < COMPARE_PAGE) break;
    after = Number(rows[rows.length - 1]!.__position);
  }
  return sameContent(collection.name, s.done(), t.done());
}

async function compareInternal(target: TransactionStore, source: ArchiveTables, table: string): Promise<string[]> {
  const columns = await targetColumns(target, table);
  const skip = (values: Record<string, unknown>) => table === '_params' && values.id === VERSION_KEY;
  const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'boolean' ? String(Number(v)) : String(v));
  const s = createTableHasher(columns);
  for await (const row of source.rows(table)) if (!skip(row.values)) s.add(columns.map((c) => text(row.values[c])));
  const t = createTableHasher(columns);
  for (const row of await target.all(`SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table)}`)) if (!skip(row)) t.add(columns.map((c) => text(row[c])));
  return sameContent(table, s.done(), t.done());
}

function sameContent(table: string, s: { rows: number; hash: string }, t: { rows: number; hash: string }): string[] {
  if (s.rows !== t.rows) return [`${table} has ${t.rows} rows, the backup ${s.rows}`];
  return s.hash === t.hash ? [] : [`${table}: the values differ from the backup's`];
}
