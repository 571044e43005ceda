/**
 * Bind parameters for compiled filters. Every literal a filter carries (texts,
 * numbers, JSON paths, @request values) becomes a parameter; the generated SQL
 * contains no literal from the input. On PostgreSQL each placeholder carries a cast,
 * because pg cannot infer the type of a bare parameter in COALESCE or comparisons.
 */
import type { DialectName } from '../../store/dialect.js';

export type SqlType = 'text' | 'number' | 'bool' | 'json';

const PG_CAST: Record<SqlType | 'bigint', string> = { text: 'text', number: 'double precision', bool: 'boolean', json: 'jsonb', bigint: 'bigint' };

export class SqlParams {
  readonly values: unknown[] = [];
  constructor(readonly dialect: DialectName, private readonly offset = 0) {}

  add(value: unknown, type: SqlType | 'bigint' = 'text'): string {
    this.values.push(this.dialect === 'sqlite' ? toSqlite(value) : toPostgres(value, type));
    if (this.dialect === 'sqlite') return '?';
    return `$${this.offset + this.values.length}::${PG_CAST[type]}`;
  }
}

function toSqlite(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value;
}

function toPostgres(value: unknown, type: SqlType | 'bigint'): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'json') return typeof value === 'string' ? value : JSON.stringify(value); // strings are JSON text already
  if (type === 'bool') return Boolean(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}
