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
  private readonly list: unknown[] = [];
  constructor(readonly dialect: DialectName, private readonly offset = 0) {}

  /**
   * On SQLite the placeholders are named (@p1, @p2, ...), not positional: a fragment may
   * be emitted twice (`x = '' OR x IS NULL`, geoDistance) or after parameters added later
   * (a join's parameters precede the WHERE clause in the text), and names bind either way.
   */
  add(value: unknown, type: SqlType | 'bigint' = 'text'): string {
    const json = type === 'json' || (typeof value === 'object' && value !== null);
    const v = this.dialect === 'sqlite' ? toSqlite(value) : toPostgres(value, type);
    this.list.push(typeof v === 'string' ? withoutNul(v, json) : v);
    if (this.dialect === 'sqlite') return `@p${this.offset + this.list.length}`;
    return `$${this.offset + this.list.length}::${PG_CAST[type]}`;
  }

  /** How many values were added so far. */
  get size(): number {
    return this.list.length;
  }

  /** The values added from position start on, as stored (for reuse with append). */
  since(start: number): unknown[] {
    return this.list.slice(start);
  }

  /** Values taken from since() on a SqlParams that was at the same size. */
  append(values: readonly unknown[]): void {
    this.list.push(...values);
  }

  /** The values to pass with the statement: an array for PostgreSQL, one object of names for SQLite. */
  get values(): unknown[] {
    if (this.dialect !== 'sqlite') return this.list;
    if (this.list.length === 0) return [];
    const named: Record<string, unknown> = {};
    for (let i = 0; i < this.list.length; i++) named[`p${this.offset + i + 1}`] = this.list[i];
    return [named];
  }
}

/**
 * No stored text holds a NUL (validation refuses it), PostgreSQL refuses one in a parameter
 * (text or jsonb) and SQLite's LIKE stops at it: a NUL in a value becomes U+FFFD on both
 * engines, so a comparison with it behaves alike (nothing stored holds it) instead of failing.
 */
function withoutNul(text: string, json: boolean): string {
  const out = text.replaceAll('\0', '\uFFFD');
  // in JSON text, the escape \u0000 (not preceded by an escaping backslash)
  return json ? out.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : out;
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
