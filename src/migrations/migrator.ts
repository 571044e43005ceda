/**
 * Applies and reverts migrations. Each one runs in its own transaction together with
 * its `_migrations` row, so a failure rolls back everything it did (DDL included) and
 * stops the run with an error naming the file.
 */
import type { Store } from '../store/store.js';
import type { CollectionService } from '../core/collections/collection-service.js';
import { createMigrationContext } from './context.js';
import { listMigrationFiles, loadMigration, type LoadedMigration, type MigrationFn } from './migration-files.js';
import { ensureMigrationsTable, isApplied, listApplied, lockMigrations, recordApplied, removeApplied, type AppliedMigration } from './migrations-table.js';
import { describeError } from './describe-error.js';

export interface MigrationStatus {
  applied: AppliedMigration[];
  /** Files not applied yet, in the order they would apply. */
  pending: string[];
}

export interface RunOptions {
  /** Only load (and so check) the migrations; change nothing. */
  dryRun?: boolean;
  /** Told about each migration as it completes (or would run, in a dry run). */
  onStep?: (file: string) => void;
}

export class MigrationError extends Error {}

export class Migrator {
  constructor(
    private readonly store: Store,
    /** The app's collection service, reloaded after every migration. */
    private readonly collections: CollectionService,
    readonly dir: string,
  ) {}

  async status(): Promise<MigrationStatus> {
    await ensureMigrationsTable(this.store);
    const applied = await listApplied(this.store);
    const done = new Set(applied.map((a) => a.file));
    return { applied, pending: listMigrationFiles(this.dir).filter((f) => !done.has(f)) };
  }

  /** Applies every pending migration in file-name order; returns the files applied. */
  async up(options: RunOptions = {}): Promise<string[]> {
    const { pending } = await this.status();
    // Loaded (compiled) before any runs: a syntax error in the fifth stops the run before the first.
    const loaded: LoadedMigration[] = [];
    for (const file of pending) loaded.push(await this.load(file));
    const done: string[] = [];
    for (const m of loaded) {
      if (!options.dryRun && !(await this.run(m.file, m.up, 'up'))) continue;
      done.push(m.file);
      options.onStep?.(m.file);
    }
    return done;
  }

  /** Reverts the last `count` applied migrations, newest first; returns the files reverted. */
  async down(count = 1, options: RunOptions = {}): Promise<string[]> {
    if (!Number.isInteger(count) || count < 1) throw new MigrationError(`invalid number of migrations to revert: ${count}`);
    const { applied } = await this.status();
    const targets = applied.slice(-count).reverse();
    const loaded: LoadedMigration[] = [];
    for (const a of targets) {
      const m = await this.load(a.file);
      // Checked for all first, so a run never stops halfway on a missing down.
      if (!m.down) throw new MigrationError(`migration ${a.file} has no "down" function and cannot be reverted; nothing was reverted`);
      loaded.push(m);
    }
    const done: string[] = [];
    for (const m of loaded) {
      if (!options.dryRun && !(await this.run(m.file, m.down!, 'down'))) continue;
      done.push(m.file);
      options.onStep?.(m.file);
    }
    return done;
  }

  /** Records a migration as applied without running it (its change has already happened). */
  async markApplied(file: string): Promise<void> {
    await ensureMigrationsTable(this.store);
    await this.store.transaction(async (tx) => {
      await lockMigrations(tx, this.store);
      if (!(await isApplied(tx, this.store, file))) await recordApplied(tx, this.store, file);
    });
  }

  private async load(file: string): Promise<LoadedMigration> {
    try {
      return await loadMigration(this.dir, file);
    } catch (err) {
      throw new MigrationError((err as Error).message);
    }
  }

  /**
   * One migration in one transaction. False when another instance applied (or
   * reverted) it meanwhile: the state is re-checked under the migrations lock.
   */
  private async run(file: string, fn: MigrationFn, direction: 'up' | 'down'): Promise<boolean> {
    let ran = false;
    try {
      await this.store.transaction(async (tx) => {
        await lockMigrations(tx, this.store);
        if ((await isApplied(tx, this.store, file)) !== (direction === 'down')) return;
        await fn(await createMigrationContext(tx, this.store));
        if (direction === 'up') await recordApplied(tx, this.store, file);
        else await removeApplied(tx, this.store, file);
        ran = true;
      });
    } catch (err) {
      throw new MigrationError(`migration ${file} failed (${direction}) and was rolled back: ${describeError(err)}`);
    } finally {
      // The registry follows the database whether it committed or not.
      await this.collections.reload();
    }
    return ran;
  }
}
