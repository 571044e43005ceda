/**
 * Verification of a backup archive (`galley backup verify KEY`, and after every
 * backup): every entry is read and checked against the manifest (archive-reader.ts),
 * the database part is extracted into a scratch directory and checked by the engine it
 * came from (SQLite's integrity check; a PostgreSQL dump restored into a scratch
 * schema), every table's row count and content hash is compared with the manifest, the last migration with the manifest's schema version, and the
 * collection definitions are loaded as Galley would. The scratch copy is removed.
 * A PocketBase backup zip is checked by pocketbase-backup.ts instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readArchive, ArchiveError } from './archive-reader.js';
import type { Manifest } from './manifest.js';
import { inspectSqliteSnapshot } from './sqlite-snapshot.js';
import { inspectPostgresSnapshot } from './postgres-snapshot.js';
import type { SnapshotInspection } from './snapshot-source.js';
import { isPocketBaseArchive, verifyPocketBaseArchive } from './pocketbase-backup.js';
import { checkInScratchSchema } from './postgres-scratch-check.js';
import type { Store } from '../store/store.js';

export interface VerificationCheck {
  name: 'archive' | 'integrity' | 'tables' | 'schemaVersion' | 'schema';
  ok: boolean;
  detail: string;
}

export interface Verification {
  ok: boolean;
  verifiedAt: string;
  durationMs: number;
  checks: VerificationCheck[];
}

/**
 * Verifies the archive at file; scratchRoot is where the scratch copy goes (same disk
 * as the data). With a PostgreSQL store, a PostgreSQL backup is also restored into a
 * scratch schema there and checked by PostgreSQL (postgres-scratch-check.ts).
 */
export async function verifyArchive(file: string, scratchRoot: string, pgStore?: Store): Promise<Verification> {
  const started = performance.now();
  const checks: VerificationCheck[] = [];
  const scratch = await mkdtemp(join(scratchRoot, 'verify_'));
  try {
    let manifest: Manifest;
    try {
      if (await isPocketBaseArchive(file)) {
        checks.push(...(await verifyPocketBaseArchive(file, scratch)));
        return result(started, checks);
      }
      manifest = await readArchive(file, { extractTo: scratch, wants: (path) => !path.startsWith('storage/') });
      checks.push({ name: 'archive', ok: true, detail: `${manifest.entries.length} entries match the manifest` });
    } catch (err) {
      checks.push({ name: 'archive', ok: false, detail: err instanceof ArchiveError ? err.message : `the archive cannot be read: ${(err as Error).message}` });
      return result(started, checks);
    }
    let inspection: SnapshotInspection;
    try {
      inspection = manifest.engine === 'sqlite' ? await inspectSqliteSnapshot(scratch) : await inspectPostgresSnapshot(scratch);
      if (manifest.engine === 'postgres' && pgStore) {
        // The dump as PostgreSQL loads it: types, constraints and indexes checked by the engine, then counted and hashed back.
        const loaded = await checkInScratchSchema(pgStore, scratch);
        if (loaded.unavailable === undefined)
          inspection = loaded.integrity === 'ok' ? { ...inspection, tables: loaded.tables } : { ...inspection, integrity: loaded.integrity };
      }
    } catch (err) {
      checks.push({ name: 'integrity', ok: false, detail: `the database copy cannot be read: ${(err as Error).message}` });
      return result(started, checks);
    }
    checks.push(...inspectionChecks(manifest, inspection));
    return result(started, checks);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The checks of a database copy against its manifest: integrity, tables, schema version, schema. */
export function inspectionChecks(manifest: Manifest, inspection: SnapshotInspection): VerificationCheck[] {
  return [
    { name: 'integrity', ok: inspection.integrity === 'ok', detail: inspection.integrity },
    compareTables(manifest, inspection),
    {
      name: 'schemaVersion',
      ok: inspection.schemaVersion === manifest.schemaVersion,
      detail: inspection.schemaVersion === manifest.schemaVersion ? (manifest.schemaVersion || 'no migrations') : `the copy's last migration is "${inspection.schemaVersion}", the manifest says "${manifest.schemaVersion}"`,
    },
    { name: 'schema', ok: inspection.schemaProblem === '', detail: inspection.schemaProblem || 'the collections load' },
  ];
}

function compareTables(manifest: Manifest, inspection: SnapshotInspection): VerificationCheck {
  const found = new Map(inspection.tables.map((t) => [t.name, t]));
  const problems: string[] = [];
  for (const expected of manifest.tables) {
    const got = found.get(expected.name);
    if (!got) problems.push(`${expected.name} is missing`);
    else if (got.rows !== expected.rows) problems.push(`${expected.name} has ${got.rows} rows, the manifest says ${expected.rows}`);
    else if (got.hash !== expected.hash) problems.push(`${expected.name}: the content hash differs from the manifest`);
    found.delete(expected.name);
  }
  for (const extra of found.keys()) problems.push(`${extra} is not in the manifest`);
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  return { name: 'tables', ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `${manifest.tables.length} tables, ${rows} rows match` };
}

function result(started: number, checks: VerificationCheck[]): Verification {
  return { ok: checks.every((c) => c.ok), verifiedAt: new Date().toISOString(), durationMs: Math.round(performance.now() - started), checks };
}
