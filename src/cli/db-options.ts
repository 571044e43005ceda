/** The --dir / --db flags every command that opens the database shares. */
import { Option, type Command } from 'commander';

export interface DbFlags {
  dir?: string;
  db?: string;
}

export function addDbOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dir <dir>', 'the data directory (env GALLEY_DIR)').default(undefined, './galley_data'))
    .addOption(new Option('--db <url>', 'a postgres:// URL; without it, SQLite in --dir (env GALLEY_DB)'));
}
