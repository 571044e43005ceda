/**
 * The SQLite snapshot: `VACUUM INTO` a scratch file, on a connection of its own in a
 * worker thread, so the app's reads and writes go on (measured in
 * shared/research/logs-backups-import.md 6b: writer p99 1 ms during the VACUUM, where
 * a write lock held for the zip stalled writes for seconds; the online backup API
 * restarts on every write from another connection and may never finish). The same
 * worker then reads the copy: row counts and content hashes per table (table-hash.ts),
 * the last migration, the collection ids; for verification also `PRAGMA
 * integrity_check`. Hashing 100k rows on the main thread would stall requests too.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createTableHasher } from './table-hash.js';
import { EXCLUDED_TABLES, type DatabaseSnapshot, type SnapshotInspection, type SnapshotSource } from './snapshot-source.js';
import type { TableEntry } from './manifest.js';
import { schemaProblem } from './schema-check.js';

export const SQLITE_DB_ENTRY = 'data.db';

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const createTableHasher = ${createTableHasher.toString()};
const { source, target, excluded, integrity } = workerData;
try {
  if (source) {
    const live = new Database(source, { readonly: true });
    live.pragma('busy_timeout = 10000');
    live.prepare('VACUUM INTO ?').run(target);
    live.close();
  }
  const db = new Database(target, { readonly: true });
  const result = { integrity: 'ok', tables: [], schemaVersion: '', definitions: [] };
  if (integrity) result.integrity = db.pragma('integrity_check').map((r) => r.integrity_check).join('; ');
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
  for (const name of names) {
    if (excluded.includes(name)) continue;
    const stmt = db.prepare('SELECT * FROM "' + name.replace(/"/g, '""') + '"').raw(true);
    const hasher = createTableHasher(stmt.columns().map((c) => c.name));
    for (const row of stmt.iterate()) hasher.add(row);
    result.tables.push({ name, ...hasher.done() });
  }
  if (names.includes('_migrations'))
    result.schemaVersion = db.prepare('SELECT "file" FROM "_migrations" ORDER BY "applied" DESC, "file" DESC LIMIT 1').pluck().get() || '';
  if (names.includes('_collections')) result.definitions = db.prepare('SELECT "data" FROM "_collections"').pluck().all();
  db.close();
  parentPort.postMessage({ result });
} catch (err) {
  parentPort.postMessage({ error: String((err && err.message) || err) });
}
`;

interface WorkerResult {
  integrity: string;
  tables: TableEntry[];
  schemaVersion: string;
  /** `_collections.data` JSON texts. */
  definitions: string[];
}

function runWorker(data: { source?: string; target: string; integrity: boolean }): Promise<WorkerResult> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { ...data, driver, excluded: [...EXCLUDED_TABLES] } });
  return new Promise((resolve, reject) => {
    worker.once('message', (msg: { result?: WorkerResult; error?: string }) => {
      if (msg.error !== undefined) reject(new Error(msg.error));
      else resolve(msg.result!);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the snapshot thread exited (${code})`)));
  });
}

export class SqliteSnapshotSource implements SnapshotSource {
  readonly engine = 'sqlite' as const;

  constructor(private readonly dataDir: string) {}

  async take(scratchDir: string): Promise<DatabaseSnapshot> {
    const target = join(scratchDir, SQLITE_DB_ENTRY);
    const takenAt = new Date();
    const r = await runWorker({ source: join(this.dataDir, 'data.db'), target, integrity: false });
    return {
      files: [{ path: SQLITE_DB_ENTRY, file: target }],
      tables: r.tables,
      schemaVersion: r.schemaVersion,
      collectionIds: r.definitions.map((d) => String((JSON.parse(d) as { id: unknown }).id)),
      takenAt,
    };
  }

  inspect(dir: string): Promise<SnapshotInspection> {
    return inspectSqliteSnapshot(dir);
  }
}

/** `PRAGMA integrity_check`, counts and hashes of the data.db extracted under dir (in the worker thread). */
export async function inspectSqliteSnapshot(dir: string): Promise<SnapshotInspection> {
  const r = await runWorker({ target: join(dir, SQLITE_DB_ENTRY), integrity: true });
  return { integrity: r.integrity, tables: r.tables, schemaVersion: r.schemaVersion, schemaProblem: schemaProblem('sqlite', r.definitions, r.tables) };
}
