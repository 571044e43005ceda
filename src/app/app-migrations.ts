/**
 * The migrations side of starting an app: pending migrations are applied before the
 * server listens (a failing one stops the start, naming the file), and in dev mode
 * every collection change made through the API is written as a migration file.
 */
import { join } from 'node:path';
import type { GalleyCore } from '../core/galley-core.js';
import { Migrator } from '../migrations/migrator.js';
import { autoMigrate } from '../migrations/automigrate.js';

/** Applies what is pending; returns the function that stops automigration (dev). */
export async function migrateAtStart(core: GalleyCore, dir: string, dev: boolean, log: (message: string) => void): Promise<() => void> {
  const migrator = new Migrator(core.store, core.collections, dir);
  try {
    await migrator.up({ onStep: (file) => log(`Applied migration ${file}`) });
  } catch (err) {
    throw new Error(`cannot start: ${(err as Error).message}`);
  }
  if (!dev) return () => {};
  return autoMigrate(core.collections, migrator, {
    written: (file) => log(`Wrote migration ${join(migrator.dir, file)}`),
    failed: (message) => log(`Error: ${message}`),
  });
}
