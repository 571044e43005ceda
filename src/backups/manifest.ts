/**
 * manifest.json, the first thing a backup archive is checked against: the format
 * version, where the backup comes from (Galley version, engine, last migration), every
 * table's row count and content hash (table-hash.ts), and every other entry's size and
 * SHA-256. parseManifest refuses anything that is not exactly this shape, and a format
 * newer than this Galley knows.
 */
import type { DialectName } from '../store/dialect.js';

export const FORMAT_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';

export interface TableEntry {
  name: string;
  rows: number;
  hash: string;
}

export interface ArchiveEntry {
  /** Path inside the archive ("data.db", "db/<table>.jsonl", "storage/<key>"). */
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: number;
  galleyVersion: string;
  createdAt: string;
  engine: DialectName;
  /** The last applied migration file ('' when none). */
  schemaVersion: string;
  tables: TableEntry[];
  /** Every entry of the archive but the manifest itself. */
  entries: ArchiveEntry[];
}

export class ManifestError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;

export function parseManifest(text: string): Manifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ManifestError('manifest.json is not valid JSON');
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw new ManifestError('manifest.json is not an object');
  if (!Number.isInteger(m.format) || (m.format as number) < 1) throw new ManifestError('manifest.json has no valid format version');
  if ((m.format as number) > FORMAT_VERSION)
    throw new ManifestError(`the backup has format ${String(m.format)}, newer than this Galley reads (${FORMAT_VERSION}); upgrade Galley to restore it`);
  if (m.engine !== 'sqlite' && m.engine !== 'postgres') throw new ManifestError('manifest.json names no known engine');
  for (const key of ['galleyVersion', 'createdAt', 'schemaVersion'] as const)
    if (typeof m[key] !== 'string') throw new ManifestError(`manifest.json: ${key} is missing`);
  const tables = m.tables;
  if (!Array.isArray(tables) || !tables.every((t: TableEntry) => t && typeof t.name === 'string' && Number.isInteger(t.rows) && t.rows >= 0 && typeof t.hash === 'string' && HEX64.test(t.hash)))
    throw new ManifestError('manifest.json: tables are malformed');
  const entries = m.entries;
  if (!Array.isArray(entries) || !entries.every((e: ArchiveEntry) => e && typeof e.path === 'string' && Number.isInteger(e.size) && e.size >= 0 && typeof e.sha256 === 'string' && HEX64.test(e.sha256)))
    throw new ManifestError('manifest.json: entries are malformed');
  return m as unknown as Manifest;
}
