/**
 * Data versions kept in memory, for SQLite where one process owns the database. A
 * commit by another process (the CLI, a second program on the same file) shows in the
 * store's external version and moves every collection at once.
 */
import type { DataVersions } from './data-versions.js';

export class LocalDataVersions implements DataVersions {
  private readonly versions = new Map<string, number>();
  private epoch = 0;

  constructor(private readonly externalVersion: () => number = () => 0) {}

  stamp(collectionIds: readonly string[]): string {
    let stamp = `${this.epoch}.${this.externalVersion()}`;
    for (const id of collectionIds) stamp += `:${this.versions.get(id) ?? 0}`;
    return stamp;
  }

  localStamp(collectionIds: readonly string[]): string {
    return this.stamp(collectionIds);
  }

  changed(collectionIds: readonly string[]): void {
    for (const id of collectionIds) this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
  }

  changedAll(): void {
    this.epoch++;
  }
}
