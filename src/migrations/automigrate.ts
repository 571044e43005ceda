/**
 * `serve --dev`: every collection change made through the API is written as a
 * migration file (recorded as applied, since the change has already happened), so
 * the schema can be committed to git and replayed elsewhere with `galley migrate up`.
 */
import type { CollectionService } from '../core/collections/collection-service.js';
import type { Migrator } from './migrator.js';
import { writeMigrationFile } from './migration-files.js';
import { changeTemplate } from './templates.js';

/** Starts writing migrations for collection changes; returns a function that stops it. */
export function autoMigrate(
  collections: CollectionService,
  migrator: Migrator,
  report: { written(file: string): void; failed(message: string): void },
): () => void {
  return collections.onChange(async (change) => {
    const { name, text } = changeTemplate(change);
    try {
      const file = writeMigrationFile(migrator.dir, name, text);
      await migrator.markApplied(file);
      report.written(file);
    } catch (err) {
      // The change itself is committed: a failure here is reported, not turned into an API error.
      report.failed(`cannot write the migration for "${name}" in ${migrator.dir}: ${(err as Error).message}`);
    }
  });
}
