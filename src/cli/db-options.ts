/** The --dir / --db flags every command that opens the database shares, and what follows from --dir. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_DIR } from '../config.js';

export interface DbFlags {
  dir?: string;
  db?: string;
}

export function addDbOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dir <dir>', 'the data directory (env GALLEY_DIR)').default(undefined, './galley_data'))
    .addOption(new Option('--db <url>', 'a postgres:// URL; without it, SQLite in --dir (env GALLEY_DB)'));
}

/**
 * A directory beside the data directory, `<dir>/../<name>`: where PocketBase looks for
 * pb_migrations and pb_hooks by default, so they move with `--dir` (with the default
 * `./galley_data`, that is `./<name>`).
 */
export function besideDataDir(flags: DbFlags, name: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flags.dir ?? env.GALLEY_DIR ?? DEFAULT_DIR, '..', name);
}
