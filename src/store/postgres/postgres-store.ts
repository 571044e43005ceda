/**
 * PostgreSQL behind the Store interface, through a `pg` pool.
 *
 * Statements are sent as named prepared statements (one name per SQL text and schema
 * generation), so each pooled connection parses and plans a query shape once.
 * Numeric and bigint results are parsed into JS numbers.
 */
import pg from 'pg';
import type { ColumnInfo, Executor, Row, Store } from '../store.js';
import { observeAsync, type StoreObserver } from '../store-observer.js';
import { UniqueViolation } from '../store.js';
import { postgresDialect } from '../dialect.js';

// int8 (COUNT results, identity columns) and numeric as JS numbers.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

type Queryable = pg.Pool | pg.PoolClient;

const MAX_NAMED_STATEMENTS = 2000;

class StatementNames {
  private readonly names = new Map<string, string>();
  private generation = 0;
  /** A statement name, or undefined past the cap (each name costs server memory on every connection). */
  name(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (!name) {
      if (this.names.size >= MAX_NAMED_STATEMENTS) return undefined;
      name = `g${this.generation}_${this.names.size}`;
      this.names.set(sql, name);
    }
    return name;
  }
  reset() {
    this.names.clear();
    this.generation++;
  }
}

class PgExecutor implements Executor {
  afterCommit?: (statement: () => string | undefined) => void;

  constructor(
    private readonly target: Queryable,
    private readonly statements: StatementNames,
    protected observer: StoreObserver | undefined,
  ) {}

  private query(sql: string, params: readonly unknown[] = [], kind: 'read' | 'write' = 'read') {
    return observeAsync(this.observer, kind, sql, async () => {
      try {
        const name = this.statements.name(sql);
        return await this.target.query(name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] });
      } catch (err) {
        throw translateError(err);
      }
    });
  }

  async all(sql: string, params?: readonly unknown[]) { return (await this.query(sql, params)).rows as Row[]; }
  async get(sql: string, params?: readonly unknown[]) { return (await this.query(sql, params)).rows[0] as Row | undefined; }
  async run(sql: string, params?: readonly unknown[]) { return (await this.query(sql, params, 'write')).rowCount ?? 0; }
  exec(sql: string) {
    return observeAsync(this.observer, 'ddl', sql, async () => {
      try {
        await this.target.query(sql);
      } catch (err) {
        throw translateError(err);
      }
    });
  }

  async columns(sql: string): Promise<ColumnInfo[]> {
    let fields: pg.FieldDef[];
    try {
      fields = (await this.target.query({ text: `SELECT * FROM (${sql}) AS "_described" LIMIT 0`, values: [] })).fields;
    } catch (err) {
      throw translateError(err);
    }
    const out: ColumnInfo[] = [];
    for (const f of fields) {
      const info: ColumnInfo = { name: f.name, type: pgType(f.dataTypeID) };
      if (f.tableID && f.columnID > 0) {
        const origin = await this.target.query({
          text: 'SELECT c.relname AS "table", a.attname AS "column" FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.oid = $1 AND a.attnum = $2',
          values: [f.tableID, f.columnID],
        });
        if (origin.rows[0]) Object.assign(info, origin.rows[0]);
      }
      out.push(info);
    }
    return out;
  }
}

function pgType(oid: number): ColumnInfo['type'] {
  if (oid === 16) return 'bool';
  if ([20, 21, 23, 700, 701, 1700].includes(oid)) return 'number';
  if (oid === 114 || oid === 3802) return 'json';
  return 'text';
}

export class PostgresStore extends PgExecutor implements Store {
  readonly dialect = postgresDialect;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly names: StatementNames,
  ) {
    super(pool, names, undefined);
  }

  /** Connects and checks the connection works; throws a readable Error otherwise. */
  static async connect(url: string, poolSize = 10): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => {}); // idle client errors: the pool replaces the client
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`cannot connect to PostgreSQL: ${(err as Error).message}`);
    }
    return new PostgresStore(pool, new StatementNames());
  }

  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const observer = this.observer;
    return observer ? observer.transaction(() => this.transact(fn, observer)) : this.transact(fn, undefined);
  }

  private async transact<T>(fn: (tx: Executor) => Promise<T>, observer: StoreObserver | undefined): Promise<T> {
    const queued = performance.now();
    const client = await this.pool.connect();
    observer?.waited('pool_connection', (performance.now() - queued) / 1000);
    try {
      await client.query('BEGIN');
      const executor = new PgExecutor(client, this.names, observer);
      let after: (() => string | undefined) | undefined;
      executor.afterCommit = (statement) => { after = statement; };
      const result = await fn(executor);
      const suffix = after?.();
      // Simple-query protocol: the statements run in order and stop at the first error, so the suffix runs only once committed.
      await client.query(suffix ? `COMMIT; ${suffix}` : 'COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  schemaChanged(): void {
    this.names.reset();
  }

  observe(observer: StoreObserver | undefined): void {
    this.observer = observer;
  }

  poolStats() {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  /** Other instances write too, and asking would cost a round trip: rows are read again. */
  dataVersion(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function translateError(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; detail?: string };
  if (e.code === '23505') {
    // detail: Key (slug)=(x) already exists.  /  Key (lower(email))=(...)
    const cols = /Key \(([^)]*)\)/.exec(e.detail ?? '')?.[1] ?? '';
    return new UniqueViolation(e.constraint, cols.split(',').map((c) => c.trim().replace(/"/g, '')));
  }
  return err;
}
