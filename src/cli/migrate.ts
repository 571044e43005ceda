/**
 * `galley migrate up|down|status|create|collections`: versioned schema and data
 * changes from the migrations directory (docs/migrations.md).
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { resolveConfig } from '../config.js';
import { GalleyCore } from '../core/galley-core.js';
import { Migrator } from '../migrations/migrator.js';
import { writeMigrationFile } from '../migrations/migration-files.js';
import { emptyTemplate, snapshotTemplate } from '../migrations/templates.js';
import { addDbOptions, type DbFlags } from './db-options.js';
import { addMigrationsOption, migrationsDir, type MigrationsFlags } from './migrations-option.js';

type Flags = DbFlags & MigrationsFlags & { dryRun?: boolean };

const say = (text: string) => process.stdout.write(`${text}\n`);

async function withMigrator<T>(flags: Flags, fn: (migrator: Migrator, core: GalleyCore) => Promise<T>): Promise<T> {
  const core = await GalleyCore.open(resolveConfig(flags));
  try {
    return await fn(new Migrator(core.store, core.collections, migrationsDir(flags)), core);
  } finally {
    await core.close();
  }
}

const command = (name: string, description: string) => addMigrationsOption(addDbOptions(new Command(name).description(description)));

export function migrateCommand(): Command {
  const cmd = new Command('migrate').description('Apply, revert, list and write migrations');

  cmd.addCommand(command('up', 'Apply every pending migration').option('--dry-run', 'show what would be applied; change nothing')
    .action(async (flags: Flags) => {
      const prefix = flags.dryRun ? 'Would apply' : 'Applied';
      const done = await withMigrator(flags, (m) => m.up({ dryRun: flags.dryRun, onStep: (f) => say(`${prefix} ${f}`) }));
      if (done.length === 0) say('No pending migrations.');
    }));

  cmd.addCommand(command('down', 'Revert the last N applied migrations (default 1)').argument('[n]', 'how many', '1')
    .option('--dry-run', 'show what would be reverted; change nothing')
    .action(async (n: string, flags: Flags) => {
      if (!/^\d+$/.test(n) || Number(n) < 1) throw new Error(`invalid number of migrations to revert "${n}": expected a positive integer`);
      const prefix = flags.dryRun ? 'Would revert' : 'Reverted';
      const done = await withMigrator(flags, (m) => m.down(Number(n), { dryRun: flags.dryRun, onStep: (f) => say(`${prefix} ${f}`) }));
      if (done.length === 0) say('No applied migrations to revert.');
    }));

  cmd.addCommand(command('status', 'List applied and pending migrations').action(async (flags: Flags) => {
    const { applied, pending } = await withMigrator(flags, (m) => m.status());
    for (const a of applied) say(`applied  ${a.file}  (${new Date(a.applied).toISOString()})`);
    for (const f of pending) say(`pending  ${f}`);
    say(`${applied.length} applied, ${pending.length} pending`);
  }));

  // No database is opened: --dir only places the default migrations directory (--db is accepted like on every command).
  cmd.addCommand(command('create', 'Write a new migration file with empty up/down').argument('<name>')
    .action((name: string, flags: Flags) => {
      const dir = migrationsDir(flags);
      say(`Created ${join(dir, writeMigrationFile(dir, name, emptyTemplate()))}`);
    }));

  cmd.addCommand(command('collections', 'Write a migration that recreates every non-system collection as it is now')
    .action(async (flags: Flags) => {
      const file = await withMigrator(flags, async (m, core) => {
        const written = writeMigrationFile(m.dir, 'collections_snapshot', snapshotTemplate(core.collections.registry.all().map((c) => c.model)));
        // This database already has that schema.
        await m.markApplied(written);
        return written;
      });
      say(`Created ${join(migrationsDir(flags), file)} (recorded as applied in this database)`);
    }));
  return cmd;
}
