/** Casting helpers shared by the field types (PocketBase's loose input rules). */
import type { DialectName } from '../../store/dialect.js';

export function toText(raw: unknown): string {
  // A loop, not recursion: a client can nest arrays thousands of levels deep.
  while (Array.isArray(raw)) raw = raw.length ? raw[raw.length - 1] : '';
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  try {
    return JSON.stringify(raw);
  } catch {
    return ''; // nested too deep to serialise
  }
}

/** A unique list of non-empty strings from a scalar, an array or a JSON array string. */
export function toTextList(raw: unknown): string[] {
  let list: unknown[];
  if (raw === null || raw === undefined || raw === '') list = [];
  else if (Array.isArray(raw)) list = raw;
  else if (typeof raw === 'string' && raw.startsWith('[')) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      list = Array.isArray(parsed) ? parsed : [raw];
    } catch {
      list = [raw];
    }
  } else list = [raw];
  const out: string[] = [];
  for (const item of list) {
    const s = toText(item);
    if (s !== '' && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Single-value fields keep the last element of a submitted list. */
export function lastOf(list: string[]): string {
  return list.length ? list[list.length - 1]! : '';
}

/** JSON arrays are stored as JSON text on SQLite and jsonb on PostgreSQL. */
export function listToDb(list: unknown, _dialect: DialectName): string {
  return JSON.stringify(Array.isArray(list) ? list : []);
}

export function listFromDb(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string' && raw !== '') {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return [raw];
    }
  }
  return [];
}

export function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Text columns. On PostgreSQL they use the "C" collation whatever the database's
 * default: byte order for < > and ORDER BY, and ASCII-only lower(), as on SQLite.
 */
export const textColumn = (dialect: DialectName) =>
  dialect === 'sqlite' ? "TEXT DEFAULT '' NOT NULL" : `text COLLATE "C" DEFAULT '' NOT NULL`;

export const jsonListColumn = (dialect: DialectName) =>
  dialect === 'sqlite' ? "JSON DEFAULT '[]' NOT NULL" : "jsonb DEFAULT '[]'::jsonb NOT NULL";

export function stringList(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return null;
  return v as string[];
}
