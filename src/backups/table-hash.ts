/**
 * The content hash of a table, as the manifest records it and verification recomputes
 * it: the sum (mod 2^256) of a SHA-256 per row, so it does not depend on row order (a
 * PostgreSQL dump needs no ORDER BY and SQLite can read in rowid order), then hashed
 * with the column names. A row is its values as the engine returns them, serialised
 * canonically (bigint as text, blobs as base64), so the hash is per engine: a backup is
 * verified against a scratch copy on the engine it was taken from.
 *
 * `createTableHasher` is self-contained on purpose: the SQLite worker thread gets its
 * source text (Function.prototype.toString), so both threads run the same code.
 */

export interface TableHasher {
  add(values: readonly unknown[]): void;
  /** { rows, hash } once every row was added. */
  done(): { rows: number; hash: string };
}

export function createTableHasher(columns: readonly string[]): TableHasher {
  // No import: this function's text also runs in a worker evaluated from a string.
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  const MOD = 1n << 256n;
  let sum = 0n;
  let rows = 0;
  const replacer = (_key: string, value: unknown) => {
    if (typeof value === 'bigint') return { $n: value.toString() };
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data))
      return { $b: Buffer.from((value as { data: number[] }).data).toString('base64') };
    return value;
  };
  return {
    add(values) {
      const digest = createHash('sha256').update(JSON.stringify(values, replacer)).digest('hex');
      sum = (sum + BigInt(`0x${digest}`)) % MOD;
      rows++;
    },
    done() {
      const hash = createHash('sha256').update(JSON.stringify(columns)).update(sum.toString(16)).digest('hex');
      return { rows, hash };
    },
  };
}
