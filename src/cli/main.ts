#!/usr/bin/env node
/**
 * The `galley` command: argv → commands. No business logic here; each command calls
 * into core or server. Every failure is one line on stderr and a non-zero exit.
 */
import { Command, CommanderError } from 'commander';
import { serveCommand } from './serve.js';
import { superuserCommand } from './superuser.js';

const program = new Command('galley')
  .description('Galley: the backend of an app as one program (PocketBase-compatible API, SQLite or PostgreSQL).')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(superuserCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help/version text).
    process.exit(err.exitCode);
  }
  process.stderr.write(`Error: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
}
