/**
 * The `galley` command: argv → commands. No business logic here; each command calls
 * into core or server. Every failure is one line on stderr and a non-zero exit.
 */
import { Command, CommanderError } from 'commander';
import { serveCommand } from './serve.js';
import { superuserCommand } from './superuser.js';
import { migrateCommand } from './migrate.js';
import { typegenCommand } from './typegen.js';
import { importCommand } from './import.js';
import { backupCommand } from './backup.js';

/** Runs one `galley …` command line (process.argv's shape); exits the process on failure. */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command('galley')
    .description('Galley: the backend of an app as one program (PocketBase-compatible API, SQLite or PostgreSQL).')
    .version('0.1.0');

  program.addCommand(serveCommand());
  program.addCommand(superuserCommand());
  program.addCommand(migrateCommand());
  program.addCommand(typegenCommand());
  program.addCommand(importCommand());
  program.addCommand(backupCommand());
  configureErrors(program);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help/version text).
      process.exit(err.exitCode);
    }
    process.stderr.write(`Error: ${(err as Error).message ?? String(err)}\n`);
    process.exit(1);
  }
}

/**
 * Every command, subcommands included (commander does not pass these settings down to
 * added commands): usage errors are one line with the help hint, and reach runCli's catch.
 */
function configureErrors(cmd: Command): void {
  const path: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) path.unshift(c.name());
  cmd.exitOverride().configureOutput({
    outputError: (str, write) => write(`${str.trimEnd()} (run "${path.join(' ')} --help" for usage)\n`),
  });
  for (const sub of cmd.commands) configureErrors(sub);
}

