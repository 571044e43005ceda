/**
 * The engine side of a restore: put a verified database copy (extracted from an
 * archive under a directory) in place of the live data, with the uploaded files. One
 * implementation per engine; sqlite-restorer.ts swaps files (restore-journal.ts makes
 * that crash-safe).
 */
import type { DialectName } from '../store/dialect.js';

export interface DatabaseRestorer {
  /**
   * Puts the restored data in place; on a failure the live data is as it was.
   * `from` is the engine the backup was taken on: the other one's data is converted
   * (cross-engine-copy.ts).
   */
  swap(extractedDir: string, oldDir: string, from: DialectName): Promise<void>;
  /** Puts the previous data back (the restored data failed its check after the swap). */
  undo(): Promise<void>;
  /** Removes the previous data (the restored data answered). */
  finish(): Promise<void>;
}

/** A restore refused or failed before anything changed (a 400 through the API); the message says why. */
export class RestoreError extends Error {}
