/**
 * The Store: the one interface between Galley's core and a SQL engine.
 *
 * Core code builds SQL text once per query shape (with the dialect's placeholders)
 * and hands it here with parameters; implementations cache the prepared statement
 * per SQL text. Nothing above this layer knows which driver is underneath.
 */
import type { SqlDialect } from './dialect.js';
import type { StoreObserver } from './store-observer.js';

export type Row = Record<string, unknown>;

export interface Executor {
  /** All rows of a query. */
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** The first row of a query, or undefined. */
  get(sql: string, params?: readonly unknown[]): Promise<Row | undefined>;
  /** A statement that changes data; returns the number of changed rows. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** One or more statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
  /** The result columns of a query (not run), with the table column each comes from when it is a plain one. */
  columns(sql: string): Promise<ColumnInfo[]>;
  /**
   * PostgreSQL, the executor of an outermost transaction: `statement()` is asked for
   * SQL at commit time and sent with the COMMIT in one round trip, to run right after
   * it. It takes no parameters and must not be able to fail.
   */
  afterCommit?(statement: () => string | undefined): void;
}

export interface ColumnInfo {
  name: string;
  /** Origin table and column, for a column that is a plain reference to one. */
  table?: string;
  column?: string;
  /** The engine's type, mapped; 'unknown' for untyped expressions (SQLite). */
  type: 'text' | 'number' | 'bool' | 'json' | 'unknown';
}

export interface Store extends Executor {
  readonly dialect: SqlDialect;
  /**
   * Runs fn inside one transaction: committed when fn resolves, rolled back when it
   * throws. Transactions are serialised on SQLite (one writer) and pooled on PostgreSQL.
   */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /** Forget cached statements (after a schema change). */
  schemaChanged(): void;
  /**
   * A number that changes whenever committed data may have changed, by this process
   * or another one, so that a row read earlier can be reused while it stays the same.
   * Undefined when the engine has no cheap way to tell (PostgreSQL): read again.
   */
  dataVersion(): number | undefined;
  /**
   * SQLite: a number that changes when another connection (another process) committed.
   * Absent on PostgreSQL, where every instance is another connection anyway.
   */
  externalVersion?(): number;
  /** Reports statements, transactions and waits to `observer` from now on (undefined: to nobody). */
  observe(observer: StoreObserver | undefined): void;
  /** PostgreSQL: the connection pool's state (metrics); undefined on SQLite. */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/** A database error translated into something core can reason about. */
export class UniqueViolation extends Error {
  constructor(
    /** Index (PostgreSQL constraint) name when the engine reports one. */
    readonly indexName: string | undefined,
    /** Column names when the engine reports them (SQLite). */
    readonly columns: string[],
  ) {
    super('unique constraint violated');
  }
}
