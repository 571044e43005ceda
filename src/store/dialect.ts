/**
 * What differs between the SQL of SQLite and PostgreSQL, in one small object, so
 * that query builders stay engine-neutral.
 */
export type DialectName = 'sqlite' | 'postgres';

export interface SqlDialect {
  readonly name: DialectName;
  /** The n-th (1-based) bind placeholder. */
  placeholder(n: number): string;
  /** The column that keeps insertion order (SQLite's rowid, PostgreSQL's identity). */
  readonly rowidColumn: string;
  /** SQL for a random order term. */
  readonly random: string;
}

/** Quotes an identifier. Callers only pass names already validated as ^\w+$. */
export function quoteIdent(name: string): string {
  if (!/^\w+$/.test(name)) throw new Error(`unsafe identifier: ${name}`);
  return `"${name}"`;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholder: () => '?',
  rowidColumn: 'rowid',
  random: 'RANDOM()',
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (n) => `$${n}`,
  rowidColumn: '"_rowid_"',
  random: 'random()',
};

/** Builds a parameter list and its placeholders together. */
export class Params {
  readonly values: unknown[] = [];
  constructor(private readonly dialect: SqlDialect) {}
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }
}
