/** The --migrationsDir flag shared by `serve` and `migrate`. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { besideDataDir, type DbFlags } from './db-options.js';

export interface MigrationsFlags {
  migrationsDir?: string;
}

export function addMigrationsOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--migrationsDir <dir>', 'the migration files (env GALLEY_MIGRATIONS_DIR)').default(undefined, 'galley_migrations beside --dir'),
  );
}

/** The flag, else GALLEY_MIGRATIONS_DIR, else `galley_migrations` beside the data directory (as PocketBase's pb_migrations). */
export function migrationsDir(flags: MigrationsFlags & DbFlags, env: NodeJS.ProcessEnv = process.env): string {
  const given = flags.migrationsDir ?? env.GALLEY_MIGRATIONS_DIR;
  return given !== undefined ? resolve(given) : besideDataDir(flags, 'galley_migrations', env);
}
