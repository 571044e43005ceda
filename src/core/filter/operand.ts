/**
 * A resolved operand: either a literal (emitted as a parameter once the comparison
 * knows which type to compare in) or a SQL expression of a known type.
 */
import type { DialectName } from '../../store/dialect.js';
import type { SqlType } from './sql-params.js';

export type Literal = { kind: 'literal'; value: string | number | boolean | null };

export interface SqlOperand {
  kind: 'sql';
  /** The expression in its natural type. */
  sql: string;
  type: SqlType;
  /** True when the operand may stand for several values (match-all semantics apply). */
  multi: boolean;
  /** JSON values and geoDistance compare with IS / IS NOT, without the ""/NULL equivalence. */
  plain?: boolean;
  /** A condition every comparison with this operand must also meet (an auth email's emailVisibility). */
  guard?: string;
}

export type Operand = Literal | SqlOperand;

export const literal = (value: Literal['value']): Literal => ({ kind: 'literal', value });

export function isEmptyLiteral(o: Operand): boolean {
  return o.kind === 'literal' && (o.value === null || o.value === '');
}

/** The SQL expression converted to another type, without ever raising a cast error. */
export function sqlAs(o: SqlOperand, type: SqlType, dialect: DialectName): string {
  if (o.type === type || type === 'json') return o.sql;
  if (dialect === 'sqlite') {
    // SQLite compares across storage classes by affinity; only text needs a cast to be a string.
    if (type === 'text') return o.type === 'number' ? o.sql : `CAST(${o.sql} AS TEXT)`;
    return o.sql;
  }
  switch (type) {
    case 'text':
      return o.type === 'json' ? `(${o.sql} #>> '{}')` : `(${o.sql})::text`;
    case 'number':
      if (o.type === 'bool') return `(${o.sql})::int`;
      if (o.type === 'json') return `(CASE WHEN jsonb_typeof(${o.sql}) = 'number' THEN (${o.sql} #>> '{}')::double precision END)`;
      return `(CASE WHEN ${o.sql} ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' THEN (${o.sql})::double precision END)`;
    case 'bool':
      if (o.type === 'number') return `((${o.sql}) <> 0)`;
      if (o.type === 'json') return `(CASE WHEN jsonb_typeof(${o.sql}) = 'boolean' THEN (${o.sql} #>> '{}')::boolean END)`;
      return `(lower(${o.sql}) IN ('true', '1'))`;
  }
}

/** A literal converted to a type when it can be; undefined when it cannot (compare as text instead). */
export function convertLiteral(value: Literal['value'], type: SqlType): Literal['value'] | undefined {
  if (value === null) return null;
  switch (type) {
    case 'text':
      return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      return /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : undefined;
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === '1' || value === 'true') return true;
      if (value === 0 || value === '0' || value === 'false') return false;
      return undefined;
    case 'json':
      return value;
  }
}
