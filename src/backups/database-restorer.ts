/**
 * The engine side of a restore: put a verified database copy (extracted from an
 * archive under a directory) in place of the live data, with the uploaded files. One
 * implementation per engine; sqlite-restorer.ts swaps files (restore-journal.ts makes
 * that crash-safe).
 */
export interface DatabaseRestorer {
  /** Puts the restored data in place; on a failure the live data is as it was. */
  swap(extractedDir: string, oldDir: string): Promise<void>;
  /** Puts the previous data back (the restored data failed its check after the swap). */
  undo(): Promise<void>;
  /** Removes the previous data (the restored data answered). */
  finish(): Promise<void>;
}

/** A restore refused or failed before anything changed (a 400 through the API); the message says why. */
export class RestoreError extends Error {}
