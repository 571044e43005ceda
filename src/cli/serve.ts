/** `galley serve`: start the HTTP server, stop cleanly on SIGINT/SIGTERM. */
import type { AddressInfo } from 'node:net';
import { Command, Option } from 'commander';
import { resolveConfig, ConfigError } from '../config.js';
import { GalleyCore } from '../core/galley-core.js';
import { buildApp } from '../server/app.js';
import { addDbOptions, type DbFlags } from './db-options.js';

/** How long in-flight requests get to finish after a stop signal. */
const SHUTDOWN_GRACE_MS = 10_000;

export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Start the web server (API at /api/, dashboard at /_/)')
    .addOption(new Option('--http <host:port>', 'the address to listen on (env GALLEY_HTTP)').default(undefined, '127.0.0.1:8090'));
  return addDbOptions(cmd).action(async (flags: DbFlags & { http?: string }) => {
    const config = resolveConfig(flags);
    const core = await GalleyCore.open(config);
    const app = await buildApp(core);
    let stopping = false;
    // Responses sent while stopping close their connection: a keep-alive client would
    // otherwise hold the server open until it drops the idle socket itself.
    // (Callback style: it runs on every response.)
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (stopping) void reply.header('connection', 'close');
      done(null, payload);
    });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      await core.close();
      const code = (err as NodeJS.ErrnoException).code;
      const what = code === 'EADDRINUSE' ? 'the address is already in use' : code === 'EACCES' ? 'permission denied' : code === 'EADDRNOTAVAIL' ? 'the address is not available on this machine' : (err as Error).message;
      throw new ConfigError(`cannot listen on ${config.host}:${config.port}: ${what}`);
    }
    const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    // The port actually bound (differs from the flag for port 0).
    const base = `http://${shown}:${(app.server.address() as AddressInfo).port}`;
    process.stdout.write(
      `Server started at ${base}\n├─ REST API:  ${base}/api/\n└─ Dashboard: ${base}/_/\n` +
        `Database: ${config.db ? 'PostgreSQL' : `SQLite in ${config.dir}`}\n`,
    );

    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`Received ${signal}, shutting down...\n`);
      const timer = setTimeout(() => {
        process.stderr.write('Error: in-flight requests did not finish in time; forcing shutdown\n');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      await app.close();
      await core.close();
      clearTimeout(timer);
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}
