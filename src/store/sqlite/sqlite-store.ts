/**
 * SQLite behind the Store interface, through better-sqlite3.
 *
 * One writer connection (every write and transaction is serialised through an async
 * lock, because better-sqlite3 is synchronous and an open transaction must not
 * absorb other requests' statements) and one reader connection which, thanks to WAL,
 * sees only committed data. Statements are prepared once per SQL text.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { ColumnInfo, Executor, Row, Store } from '../store.js';
import type { StatementKind, StoreObserver } from '../store-observer.js';
import { UniqueViolation } from '../store.js';
import { sqliteDialect } from '../dialect.js';
import { AsyncLock } from './async-lock.js';
import { rowBuilder, type RowBuilder } from './row-builder.js';
import { registerVectorFunctions } from './vector-functions.js';

type Statement = Database.Statement<unknown[], Row>;

const PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = ON',
  'busy_timeout = 10000',
  'journal_size_limit = 200000000',
];

/**
 * Page cache per connection, in KiB (negative cache_size). Reads are the reader's, and
 * their working set is the data (PocketBase gives each connection 32 MB). The writer
 * reads only what a write checks and rewrites: a smaller cache keeps it from holding
 * on to the pages it once wrote (resident memory under a write-heavy load); a page it
 * drops is read again from the OS's file cache.
 */
const CACHE_KIB = { reader: 32_000, writer: 8_000 };

/** A prepared statement; one that returns rows reads them raw, built into objects by build. */
interface Prepared {
  stmt: Statement;
  build?: RowBuilder;
  width: number;
}

class Connection implements Executor {
  private readonly statements = new Map<string, Prepared>();
  observer: StoreObserver | undefined;
  constructor(readonly db: Database.Database) {}

  /** Runs one statement: reported to the observer, engine errors translated. */
  private execute<T>(kind: StatementKind, sql: string, fn: () => T): T {
    const end = this.observer?.statement(kind, sql);
    try {
      const result = fn();
      end?.();
      return result;
    } catch (err) {
      end?.(err);
      throw translateError(err);
    }
  }

  prepare(sql: string): Prepared {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      const stmt = this.db.prepare(sql) as Statement;
      prepared = { stmt, width: 0 };
      if (stmt.reader) {
        stmt.raw(true);
        this.describe(prepared);
      }
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /** (Re)compiles the row builder from the statement's current columns. */
  private describe(prepared: Prepared): RowBuilder {
    const names = prepared.stmt.columns().map((c) => c.name);
    prepared.width = names.length;
    return (prepared.build = rowBuilder(names));
  }

  private toRow(prepared: Prepared, values: unknown[]): Row {
    // A statement SQLite re-prepared after a schema change may have other columns (SELECT *).
    const build = values.length === prepared.width ? prepared.build! : this.describe(prepared);
    return build(values);
  }

  allSync(sql: string, params: readonly unknown[] = []): Row[] {
    return this.execute('read', sql, () => {
      const prepared = this.prepare(sql);
      const rows = prepared.stmt.all(...params) as unknown as unknown[][];
      if (!prepared.build) return rows as unknown as Row[];
      const out = new Array<Row>(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = this.toRow(prepared, rows[i]!);
      return out;
    });
  }
  getSync(sql: string, params: readonly unknown[] = []): Row | undefined {
    return this.execute('read', sql, () => {
      const prepared = this.prepare(sql);
      const values = prepared.stmt.get(...params) as unknown as unknown[] | undefined;
      return values && prepared.build ? this.toRow(prepared, values) : (values as Row | undefined);
    });
  }
  runSync(sql: string, params: readonly unknown[] = []): number {
    return this.execute('write', sql, () => this.prepare(sql).stmt.run(...params).changes);
  }

  // Plain promises, not async functions: these sit on every request's hot path.
  all(sql: string, params?: readonly unknown[]) { return settle(() => this.allSync(sql, params)); }
  get(sql: string, params?: readonly unknown[]) { return settle(() => this.getSync(sql, params)); }
  run(sql: string, params?: readonly unknown[]) { return settle(() => this.runSync(sql, params)); }
  async exec(sql: string) { this.execute('ddl', sql, () => this.db.exec(sql)); }
  async columns(sql: string): Promise<ColumnInfo[]> {
    return this.execute('read', sql, () => this.db.prepare(`SELECT * FROM (${sql}) AS "_described"`).columns()).map((c) => ({
      name: c.name,
      ...(c.table && c.column ? { table: c.table, column: c.column } : {}),
      type: sqliteType(c.type),
    }));
  }

  clearCache() { this.statements.clear(); }
}

export class SqliteStore implements Store {
  readonly dialect = sqliteDialect;
  private writer: Connection;
  private reader: Connection;
  private readonly lock = new AsyncLock();

  private constructor(private readonly file: string) {
    this.writer = new Connection(open(file, 'writer'));
    this.reader = new Connection(open(file, 'reader'));
  }

  /**
   * Replaces the database file (a restore): with the writer lock held, both
   * connections are closed (checkpointed), `swap` moves the files, and new connections
   * open whatever data.db then is. swap is synchronous, and so is everything between
   * the close and the reopen, so no read or write of another request can run in
   * between and find the connections closed. When swap throws, the connections open
   * the file that is there (swap puts the old one back first) and the error is rethrown.
   */
  replaceFile(swap: (file: string) => void): Promise<void> {
    return this.lock.with(async () => {
      this.reader.db.close();
      this.writer.db.pragma('wal_checkpoint(TRUNCATE)');
      this.writer.db.close();
      let failure: unknown;
      try {
        swap(this.file);
      } catch (err) {
        failure = err;
      }
      this.writer = new Connection(open(this.file, 'writer'));
      this.reader = new Connection(open(this.file, 'reader'));
      this.writer.observer = this.reader.observer = this.observer;
      this.beginStmt = this.commitStmt = this.versionStmt = this.writerVersionStmt = undefined;
      this.version++;
      // New data under every cache: an external version never seen before.
      this.externalChecked = false;
      this.writerExternal = -this.version;
      if (failure) throw failure;
    });
  }

  /** Opens (creating when missing) data.db in dir. */
  static open(dir: string): SqliteStore {
    return new SqliteStore(join(dir, 'data.db'));
  }

  /** Opens (creating when missing) another database file: the log store's auxiliary.db. */
  static openFile(file: string): SqliteStore {
    return new SqliteStore(file);
  }

  all(sql: string, params?: readonly unknown[]) { return this.reader.all(sql, params); }
  get(sql: string, params?: readonly unknown[]) { return this.reader.get(sql, params); }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    if (this.lock.idle) {
      // Fast path: nothing else holds the writer, and runSync cannot yield.
      return Promise.resolve(this.wrote(this.writer.runSync(sql, params)));
    }
    const queued = this.observer ? performance.now() : 0;
    return this.lock.with(async () => {
      this.observer?.waited('writer_lock', (performance.now() - queued) / 1000);
      return this.wrote(this.writer.runSync(sql, params));
    });
  }

  exec(sql: string): Promise<void> {
    return this.lock.with(async () => this.wrote(await this.writer.exec(sql)));
  }

  columns(sql: string): Promise<ColumnInfo[]> {
    return this.reader.columns(sql);
  }

  /** Prepared once: a write transaction per request makes these hot. */
  private readonly control = {
    begin: () => (this.beginStmt ??= this.writer.db.prepare('BEGIN IMMEDIATE')).run(),
    commit: () => (this.commitStmt ??= this.writer.db.prepare('COMMIT')).run(),
  };
  private beginStmt: Database.Statement | undefined;
  private commitStmt: Database.Statement | undefined;

  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const observer = this.observer;
    if (!observer) return this.transact(fn);
    const queued = performance.now();
    return observer.transaction(() => this.transact(fn, () => observer.waited('writer_lock', (performance.now() - queued) / 1000)));
  }

  private transact<T>(fn: (tx: Executor) => Promise<T>, started?: () => void): Promise<T> {
    return this.lock.with(async () => {
      started?.();
      this.control.begin();
      try {
        const result = await fn(this.writer);
        this.control.commit();
        return result;
      } catch (err) {
        if (this.writer.db.inTransaction) this.writer.db.exec('ROLLBACK');
        throw err;
      } finally {
        this.version++;
      }
    });
  }

  private observer: StoreObserver | undefined;

  observe(observer: StoreObserver | undefined): void {
    this.observer = this.writer.observer = this.reader.observer = observer;
  }

  schemaChanged(): void {
    this.writer.clearCache();
    this.reader.clearCache();
  }

  /**
   * Bumped by every write of this process, at once, and when the reader's PRAGMA
   * data_version changes (it does with every commit of another connection, other
   * processes included). The pragma is read at most once per turn of the event loop:
   * a request sent after another process's commit arrives in a later turn.
   */
  dataVersion(): number {
    if (!this.versionChecked) {
      this.versionChecked = true;
      setImmediate(() => { this.versionChecked = false; });
      const external = (this.versionStmt ??= this.reader.db.prepare('PRAGMA data_version').pluck()).get() as number;
      if (external !== this.lastExternal) {
        this.lastExternal = external;
        this.version++;
      }
    }
    return this.version;
  }
  /**
   * PRAGMA data_version of the writer connection: it moves only with commits of other
   * connections, and the only other one of this process (the reader) never writes, so
   * it counts other processes' commits. Read at most once per turn of the event loop.
   */
  externalVersion(): number {
    if (!this.externalChecked) {
      this.externalChecked = true;
      setImmediate(() => { this.externalChecked = false; });
      this.writerExternal = (this.writerVersionStmt ??= this.writer.db.prepare('PRAGMA data_version').pluck()).get() as number;
    }
    return this.writerExternal;
  }
  private externalChecked = false;
  private writerExternal = 0;
  private writerVersionStmt: Database.Statement | undefined;
  private version = 0;
  private lastExternal = -1;
  private versionChecked = false;
  private versionStmt: Database.Statement | undefined;

  /** After any statement on the writer: rows read before may be stale. */
  private wrote<T>(result: T): T {
    this.version++;
    return result;
  }

  async close(): Promise<void> {
    await this.lock.with(async () => {
      this.reader.db.close();
      // Checkpoint so the data sits in data.db itself when the process ends.
      this.writer.db.pragma('wal_checkpoint(TRUNCATE)');
      this.writer.db.close();
    });
  }
}

function sqliteType(declared: string | null): ColumnInfo['type'] {
  const t = (declared ?? '').toUpperCase();
  if (t === '') return 'unknown';
  if (t.includes('BOOL')) return 'bool';
  if (t.includes('JSON')) return 'json';
  if (/INT|REAL|NUM|FLOA|DOUB/.test(t)) return 'number';
  return 'text';
}

function open(file: string, role: keyof typeof CACHE_KIB): Database.Database {
  const db = new Database(file);
  for (const pragma of PRAGMAS) db.pragma(pragma);
  db.pragma(`cache_size = -${CACHE_KIB[role]}`);
  registerVectorFunctions(db);
  return db;
}

function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** A unique violation as UniqueViolation; any other error as it is. */
function translateError(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return err;
  // "UNIQUE constraint failed: posts.slug, posts.other" or "... index 'idx_name'"
  const msg = e.message ?? '';
  const index = /index '([^']+)'/.exec(msg)?.[1];
  const columns = index
    ? []
    : (msg.split(':')[1] ?? '').split(',').map((c) => c.trim().split('.').pop() ?? '').filter(Boolean);
  return new UniqueViolation(index, columns);
}
