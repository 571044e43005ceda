/**
 * `galley serve`: the app of the current directory (`galley_hooks/`, `galley_migrations/`)
 * on SQLite or PostgreSQL; stops cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, resolveConfig } from '../config.js';
import { createApp } from '../app/galley-app.js';
import { addDbOptions, besideDataDir, type DbFlags } from './db-options.js';
import { installLink } from '../core/install/install-token.js';
import { addMigrationsOption, migrationsDir, type MigrationsFlags } from './migrations-option.js';
import { configureLogger, parseLogLevel, type LogLevelName } from '../logs/logger.js';

/** How long in-flight requests get to finish after a stop signal (after the drain). */
const SHUTDOWN_GRACE_MS = 10_000;

type ServeFlags = DbFlags & MigrationsFlags & { http?: string; dev?: boolean; hooksDir?: string; logLevel?: LogLevelName; drain?: number };

export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Start the web server (API at /api/, dashboard at /_/)')
    .addOption(new Option('--http <host:port>', 'the address to listen on (env GALLEY_HTTP)').default(undefined, '127.0.0.1:8090'))
    .addOption(new Option('--hooksDir <dir>', 'the hook files (env GALLEY_HOOKS_DIR)').default(undefined, 'galley_hooks beside --dir'))
    .addOption(new Option('--logLevel <level>', 'application log level on stdout: debug (also one line per request), info, warn, error, silent (env GALLEY_LOG_LEVEL)').argParser(parseLogLevel).default(undefined, 'info'))
    .addOption(new Option('--drain <ms>', 'on SIGTERM/SIGINT, answer health checks with 503 and keep serving this long before stopping, so a load balancer can take the instance out first (env GALLEY_DRAIN_MS)').argParser(parseDrain).default(undefined, '0'))
    .option('--dev', 'development mode: hook files reload on change; collection changes made through the API are written as migration files');
  return addMigrationsOption(addDbOptions(cmd)).action(async (flags: ServeFlags) => {
    const config = resolveConfig(flags);
    const drainMs = flags.drain ?? drainFromEnv(process.env.GALLEY_DRAIN_MS);
    // JSON lines for log collectors; readable lines for a person (--dev, or a terminal).
    await configureLogger({ ...(flags.logLevel ? { level: flags.logLevel } : {}), pretty: flags.dev === true || process.stdout.isTTY === true });
    const app = createApp({
      dir: config.dir, ...(config.db ? { db: config.db } : {}), http: `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
      hooksDir: hooksDir(flags),
      migrationsDir: migrationsDir(flags),
      dev: flags.dev ?? false,
    });
    const { url } = await app.start();
    // Signals are handled from the moment the server listens (a stop during the banner is clean too).
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`Received ${signal}, shutting down...\n`);
      // Health checks fail at once; requests are still served until the balancer has noticed.
      app.drain();
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
      const timer = setTimeout(() => {
        process.stderr.write('Error: in-flight requests did not finish in time; forcing shutdown\n');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      await app.stop();
      clearTimeout(timer);
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.stdout.write(
      `Server started at ${url}\n├─ REST API:  ${url}/api/\n└─ Dashboard: ${url}/_/\n` +
        `Database: ${config.db ? 'PostgreSQL' : `SQLite in ${config.dir}`}\n`,
    );
    // First run: a one-time link to the dashboard page that creates the first superuser.
    // (A stop signal may close the database meanwhile: then there is nothing to print.)
    const setup = await installLink(app.core.store, url).catch(() => undefined);
    if (setup && !stopping) process.stdout.write(`\nNo superuser yet. Create the first one (link valid 30 minutes):\n  ${setup}\n`);
  });
}

/** Milliseconds of draining: a whole number from 0 to 10 minutes. */
function parseDrain(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || ms > 600_000) throw new InvalidArgumentError('expected milliseconds (0 to 600000)');
  return ms;
}

function drainFromEnv(value: string | undefined): number {
  try {
    return parseDrain(value ?? '0');
  } catch (err) {
    throw new ConfigError(`GALLEY_DRAIN_MS: ${(err as Error).message}`);
  }
}

/** The flag, else GALLEY_HOOKS_DIR, else `galley_hooks` beside the data directory (as PocketBase's pb_hooks). */
function hooksDir(flags: ServeFlags): string {
  const given = flags.hooksDir ?? process.env.GALLEY_HOOKS_DIR;
  return given !== undefined ? resolve(given) : besideDataDir(flags, 'galley_hooks');
}
