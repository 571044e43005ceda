/**
 * The PostgreSQL snapshot, without pg_dump on the host: one REPEATABLE READ, READ ONLY
 * transaction (a consistent snapshot that blocks no writer) reads every Galley table of
 * the current schema through a cursor and writes it as JSON lines, `db/<table>.jsonl`:
 * a first line `{"columns":[...]}`, then one array of values per row. The row count and
 * content hash (table-hash.ts) are computed in the same pass. The table layout (columns,
 * constraints, indexes) and views are described in `db/schema.json` from the catalog,
 * for a restore to recreate them.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Executor, Store } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { createTableHasher } from './table-hash.js';
import { EXCLUDED_TABLES, type DatabaseSnapshot, type SnapshotInspection, type SnapshotSource } from './snapshot-source.js';
import type { TableEntry } from './manifest.js';
import { schemaProblem } from './schema-check.js';

export const PG_DIR = 'db';
export const PG_SCHEMA_ENTRY = 'db/schema.json';
const FETCH = 1000;

export interface PgTableLayout {
  name: string;
  columns: { name: string; type: string; notNull: boolean; default: string | null; identity: string }[];
  constraints: { name: string; definition: string }[];
  /** CREATE INDEX statements of indexes that back no constraint (schema-qualified as PostgreSQL prints them). */
  indexes: string[];
}

export interface PgSchema {
  tables: PgTableLayout[];
  views: { name: string; definition: string }[];
}

export class PostgresSnapshotSource implements SnapshotSource {
  readonly engine = 'postgres' as const;

  constructor(private readonly store: Store) {}

  take(scratchDir: string): Promise<DatabaseSnapshot> {
    return this.store.transaction(async (tx) => {
      // Must be the transaction's first statement: every read below sees the same snapshot.
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const takenAt = new Date();
      const schema = await readSchema(tx);
      await mkdir(join(scratchDir, PG_DIR), { recursive: true });
      const files = [{ path: PG_SCHEMA_ENTRY, file: join(scratchDir, PG_SCHEMA_ENTRY) }];
      await writeFile(files[0]!.file, JSON.stringify(schema));
      const tables: TableEntry[] = [];
      for (const table of schema.tables) {
        const file = join(scratchDir, PG_DIR, `${table.name}.jsonl`);
        tables.push(await dumpTable(tx, table.name, file));
        files.push({ path: `${PG_DIR}/${table.name}.jsonl`, file });
      }
      const names = new Set(schema.tables.map((t) => t.name));
      const schemaVersion = names.has('_migrations') ? String((await tx.get('SELECT "file" FROM "_migrations" ORDER BY "applied" DESC, "file" DESC LIMIT 1'))?.file ?? '') : '';
      const collectionIds = names.has('_collections') ? (await tx.all('SELECT "id" FROM "_collections"')).map((r) => String(r.id)) : [];
      return { files, tables, schemaVersion, collectionIds, takenAt };
    });
  }

  inspect(dir: string): Promise<SnapshotInspection> {
    return inspectPostgresSnapshot(dir);
  }
}

/**
 * Re-reads the dumped tables under dir (counts, hashes, the last migration, the
 * definitions). Restoring them into a scratch PostgreSQL schema is not done yet: the
 * integrity check is that every line parses and has the table's width.
 */
export async function inspectPostgresSnapshot(dir: string): Promise<SnapshotInspection> {
  const schema = JSON.parse(await readText(join(dir, PG_SCHEMA_ENTRY))) as PgSchema;
  const tables: TableEntry[] = [];
  const problems: string[] = [];
  let schemaVersion = '';
  let lastApplied = -Infinity;
  const definitions: string[] = [];
  for (const table of schema.tables) {
    let columns: string[] | undefined;
    let hasher: ReturnType<typeof createTableHasher> | undefined;
    const lines = createInterface({ input: createReadStream(join(dir, PG_DIR, `${table.name}.jsonl`)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!columns) {
        columns = (JSON.parse(line) as { columns: string[] }).columns;
        hasher = createTableHasher(columns);
        continue;
      }
      const values = JSON.parse(line) as unknown[];
      if (!Array.isArray(values) || values.length !== columns.length) {
        problems.push(`${table.name}: a row has the wrong width`);
        break;
      }
      hasher!.add(values);
      if (table.name === '_collections') definitions.push(String(values[columns.indexOf('data')]));
      if (table.name === '_migrations') {
        // The same pick as take's ORDER BY "applied" DESC, "file" DESC.
        const applied = Number(values[columns.indexOf('applied')]);
        const file = String(values[columns.indexOf('file')]);
        if (applied > lastApplied || (applied === lastApplied && file > schemaVersion)) [lastApplied, schemaVersion] = [applied, file];
      }
    }
    if (!hasher) problems.push(`${table.name}: no header line`);
    else tables.push({ name: table.name, ...hasher.done() });
  }
  return { integrity: problems.length ? problems.join('; ') : 'ok', tables, schemaVersion, schemaProblem: schemaProblem('postgres', definitions, tables) };
}

async function readText(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function dumpTable(tx: Executor, name: string, file: string): Promise<TableEntry> {
  const out = createWriteStream(file);
  const cursor = quoteIdent(`_galley_backup_${name}`);
  try {
    // A cursor: the table is read in pages, never whole into memory.
    await tx.exec(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT * FROM ${quoteIdent(name)}`);
    let hasher: ReturnType<typeof createTableHasher> | undefined;
    for (;;) {
      const rows = await tx.all(`FETCH ${FETCH} FROM ${cursor}`);
      if (!hasher) {
        // Column order: the catalog's, also when the table is empty.
        const columns = rows[0] ? Object.keys(rows[0]) : (await tx.all(
          `SELECT a.attname AS "name" FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [name])).map((r) => String(r.name));
        hasher = createTableHasher(columns);
        await write(out, `${JSON.stringify({ columns })}\n`);
      }
      for (const row of rows) {
        const values = Object.values(row);
        hasher.add(values);
        await write(out, `${JSON.stringify(values)}\n`);
      }
      if (rows.length < FETCH) break;
    }
    await tx.exec(`CLOSE ${cursor}`);
    return { name, ...hasher!.done() };
  } finally {
    out.end();
    await once(out, 'close');
  }
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function readSchema(tx: Executor): Promise<PgSchema> {
  const names = (await tx.all(`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`))
    .map((r) => String(r.name)).filter((n) => !EXCLUDED_TABLES.has(n));
  const tables: PgTableLayout[] = [];
  for (const name of names) {
    const rel = `to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1))`;
    const columns = (await tx.all(
      `SELECT a.attname AS "name", format_type(a.atttypid, a.atttypmod) AS "type", a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS "default", a.attidentity AS "identity" ` +
        `FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = ${rel} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [name],
    )) as unknown as PgTableLayout['columns'];
    const constraints = (await tx.all(`SELECT conname AS "name", pg_get_constraintdef(oid) AS "definition" FROM pg_constraint WHERE conrelid = ${rel} ORDER BY conname`, [name])) as unknown as PgTableLayout['constraints'];
    const indexes = (await tx.all(
      `SELECT pg_get_indexdef(i.indexrelid) AS "def" FROM pg_index i WHERE i.indrelid = ${rel} AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY i.indexrelid`, [name],
    )).map((r) => String(r.def));
    tables.push({ name, columns, constraints, indexes });
  }
  const views = (await tx.all(`SELECT viewname AS "name", definition AS "definition" FROM pg_views WHERE schemaname = current_schema() ORDER BY viewname`)) as unknown as PgSchema['views'];
  return { tables, views };
}
