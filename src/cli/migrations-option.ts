/** The --migrationsDir flag shared by `serve` and `migrate`. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';

export const DEFAULT_MIGRATIONS_DIR = './galley_migrations';

export interface MigrationsFlags {
  migrationsDir?: string;
}

export function addMigrationsOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--migrationsDir <dir>', 'the migration files (env GALLEY_MIGRATIONS_DIR)').default(undefined, DEFAULT_MIGRATIONS_DIR),
  );
}

export function migrationsDir(flags: MigrationsFlags, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flags.migrationsDir ?? env.GALLEY_MIGRATIONS_DIR ?? DEFAULT_MIGRATIONS_DIR);
}
