/**
 * Data versions: per collection, a number that moves after every committed write to
 * it, from this instance or any other sharing the database. Caches of what a query
 * answered (list totals, HTTP validators) are kept with the versions of the
 * collections the query read and reused only while those have not moved.
 *
 * Versions move *after* the commit (and before the write is acknowledged), so an
 * answer computed after reading a version is never older than that version: at worst
 * it is newer, and the next move makes it recomputed.
 */
export interface DataVersions {
  /** The versions of these collections now, as one comparable string. */
  stamp(collectionIds: readonly string[]): string | Promise<string>;
  /**
   * A stamp this instance can give without asking the database, for collections whose
   * changes it hears of at once (all on SQLite; auth collections on PostgreSQL, while
   * its listener is connected); undefined when there is none to trust.
   */
  localStamp(collectionIds: readonly string[]): string | undefined;
  /** After a commit that changed these collections. */
  changed(collectionIds: readonly string[]): void | Promise<void>;
  /** After a write Galley cannot attribute to collections (raw SQL): everything may have changed. */
  changedAll(): void | Promise<void>;
  /**
   * PostgreSQL: SQL moving these versions ('*' among them: all), sent with the COMMIT
   * (Executor.afterCommit) to save a round trip per write; `movedWithCommit` then
   * does this instance's part once the commit returned.
   */
  commitStatement?(collectionIds: readonly string[]): string;
  movedWithCommit?(collectionIds: readonly string[]): void | Promise<void>;
}

/** The pseudo-collection every stamp includes: moved by changedAll(). */
export const ALL = '__all__';

/** PostgreSQL: the NOTIFY channel of changes to auth collections (sign-in caches). */
export const VERSIONS_CHANNEL = 'galley_versions';
