/**
 * The swappable part of a backup that depends on the engine: taking a consistent
 * snapshot of every Galley table without stalling the app, and checking a snapshot
 * taken from an archive (verification). One implementation per engine:
 * sqlite-snapshot.ts (VACUUM INTO in a worker thread) and postgres-snapshot.ts (one
 * REPEATABLE READ transaction dumped as JSON lines).
 */
import type { DialectName } from '../store/dialect.js';
import type { TableEntry } from './manifest.js';

export interface DatabaseSnapshot {
  /** Local files to put into the archive, by their path there. */
  files: { path: string; file: string }[];
  tables: TableEntry[];
  /** The last applied migration file ('' when none). */
  schemaVersion: string;
  /** The ids of the collections in the snapshot (their uploaded files go into the archive). */
  collectionIds: string[];
  /** When the snapshot was taken: files written later are left out. */
  takenAt: Date;
}

/** What verification found in a snapshot extracted from an archive. */
export interface SnapshotInspection {
  /** The engine's own integrity check: 'ok' or what it reported. */
  integrity: string;
  tables: TableEntry[];
  schemaVersion: string;
  /** Collection definitions that could not be loaded as Galley would ('' when all loaded). */
  schemaProblem: string;
}

export interface SnapshotSource {
  readonly engine: DialectName;
  /** The snapshot's files are written under scratchDir (which exists and is empty), each at its archive path. */
  take(scratchDir: string): Promise<DatabaseSnapshot>;
  /** Checks the database files extracted from an archive under dir (same layout as take writes). */
  inspect(dir: string): Promise<SnapshotInspection>;
}

/** Galley's tables a backup leaves out: the request logs live apart (auxiliary.db and auxiliary-pending.db / `_logs` and `_logs_pending`). */
export const EXCLUDED_TABLES = new Set(['_logs', '_logs_pending']);
