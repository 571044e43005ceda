/**
 * Galley as a library: `createApp()` gives an app to register hooks, routes and cron
 * jobs on, then `start()` opens the database, applies migrations, loads the hook files,
 * and serves HTTP. The same object is what hook files receive, so the API is one.
 *
 *   const app = createApp({ dir: './galley_data' });
 *   app.onRecordCreate('posts', async (e) => { e.record.slug = slugify(e.record.title); await e.next(); });
 *   app.route('GET', '/api/hello/:name', (e) => ({ hello: e.request.params.name }));
 *   app.cron('digest', '0 8 * * *', async (app) => { ... });
 *   await app.start();
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GalleyCore } from '../core/galley-core.js';
import { buildApp, type AppOptions } from '../server/app.js';
import { startDraining } from '../server/draining.js';
import { tracingOptions } from '../tracing/tracing-options.js';
import { activeTracing } from '../tracing/tracing.js';
import { ConfigError, resolveConfig } from '../config.js';
import type { Hook, HookHandler } from '../hooks/hook.js';
import { HOOK_NAMES, type HookMethods } from '../hooks/hook-names.js';
import { CustomRoutes } from './custom-routes.js';
import type { RouteHandler } from './route-event.js';
import type { AppContext } from '../core/app-context.js';
import { HookFiles } from './hook-files.js';
import { migrateAtStart } from './app-migrations.js';

export type CronHandler = (app: AppContext) => Promise<void> | void;

export interface GalleyOptions {
  /** Data directory (SQLite database, local file storage); default ./galley_data. */
  dir?: string;
  /** A PostgreSQL URL; SQLite in `dir` when absent. */
  db?: string;
  /** host:port to listen on; default 127.0.0.1:8090 (port 0: any free port). */
  http?: string;
  /** Hook files to load at start (`galley_hooks/*.ts`); none when absent. */
  hooksDir?: string;
  /** Migration files applied at start (`galley_migrations/*.ts`); none when absent. */
  migrationsDir?: string;
  /** Development mode: hook files are reloaded when they change; collection changes made through the API are written as migrations. */
  dev?: boolean;
  /** Where hook reloads are reported; default stdout/stderr. */
  log?: (message: string) => void;
  /** HTTP server options (error logging, realtime lifetimes). */
  server?: AppOptions;
}

/** A registration that can be undone: hooks, routes and jobs added through a scope go away together. */
type Registration = (core: GalleyCore, routes: CustomRoutes) => () => void;

export interface GalleyApp extends HookMethods {}

export class GalleyApp {
  private readonly routes = new CustomRoutes();
  private readonly registrations = new Set<{ apply: Registration; undo?: () => void }>();
  private running: { core: GalleyCore; http: FastifyInstance; url: string; hookFiles?: HookFiles; stopMigrations?: () => void } | undefined;

  constructor(private readonly options: GalleyOptions = {}) {
    for (const name of HOOK_NAMES) {
      (this as unknown as Record<string, unknown>)[name] = (a: string | string[] | HookHandler<unknown>, b?: HookHandler<unknown>) => {
        const handler = (typeof a === 'function' ? a : b) as HookHandler<unknown>;
        const tags = typeof a === 'function' ? [] : Array.isArray(a) ? a : [a];
        if (typeof handler !== 'function') throw new Error(`${name}: a handler function is required`);
        return this.register((core) => (core.hooks[name] as Hook<unknown>).bind(handler, tags));
      };
    }
  }

  /** A custom route (`:name` path parameters); served when no built-in route matches. */
  route(method: string, path: string, handler: RouteHandler): () => void {
    return this.register((_core, routes) => routes.add(method, path, handler));
  }

  /** A scheduled job (cron expression, 5 fields or 6 with seconds); once per cluster on PostgreSQL. */
  cron(id: string, expression: string, fn: CronHandler): () => void {
    return this.register((core) => {
      core.crons.register(id, expression, () => fn(core.app()));
      return () => core.crons.unregister(id);
    });
  }

  /** Records, mail, settings and transactions for code outside handlers (after start). */
  get app(): AppContext {
    return this.core.app();
  }

  get core(): GalleyCore {
    if (!this.running) throw new Error('the app is not started yet');
    return this.running.core;
  }

  get url(): string {
    if (!this.running) throw new Error('the app is not started yet');
    return this.running.url;
  }

  private register(apply: Registration): () => void {
    const entry: { apply: Registration; undo?: () => void } = { apply };
    this.registrations.add(entry);
    if (this.running) entry.undo = apply(this.running.core, this.routes);
    return () => {
      this.registrations.delete(entry);
      entry.undo?.();
    };
  }

  /** Opens the database, applies what was registered, and listens. */
  async start(prepare?: (core: GalleyCore) => Promise<void>): Promise<{ url: string }> {
    if (this.running) return { url: this.running.url };
    const config = resolveConfig({ dir: this.options.dir, db: this.options.db, http: this.options.http });
    // Before the core opens: its store reports statements to the tracer (OTEL_* environment; off without it).
    // The SDK (and even its API package) is loaded only when tracing is asked for.
    if (tracingOptions(process.env)) await (await import('../tracing/start-tracing.js')).startTracing();
    const core = await GalleyCore.open(config);
    let http: FastifyInstance | undefined;
    const log = this.options.log ?? defaultLog;
    const hookFiles = this.options.hooksDir ? new HookFiles(this, this.options.hooksDir, log) : undefined;
    let stopMigrations: (() => void) | undefined;
    try {
      if (this.options.migrationsDir) stopMigrations = await migrateAtStart(core, this.options.migrationsDir, this.options.dev ?? false, log);
      await prepare?.(core);
      for (const entry of this.registrations) entry.undo = entry.apply(core, this.routes);
      // Registered while starting: hook files see a running core (this.running is set below).
      this.running = { core, http: undefined as unknown as FastifyInstance, url: '' };
      await hookFiles?.load();
      http = await buildApp(core, { ...this.options.server, routes: this.routes });
      await http.listen({ host: config.host, port: config.port });
    } catch (err) {
      this.running = undefined;
      stopMigrations?.();
      for (const entry of this.registrations) entry.undo?.();
      await http?.close().catch(() => {});
      await core.close();
      throw listenError(err, config.host, config.port);
    }
    const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${shown}:${(http.server.address() as AddressInfo).port}`;
    this.running = { core, http, url, ...(hookFiles ? { hookFiles } : {}), ...(stopMigrations ? { stopMigrations } : {}) };
    if (this.options.dev) hookFiles?.watch();
    await core.crons.start();
    await core.hooks.onServe.trigger({ app: core.app(), url });
    return { url };
  }

  /**
   * The first step of a graceful stop: health checks answer 503 (a load balancer takes
   * the instance out of rotation) while requests are still served. stop() follows.
   */
  drain(): void {
    if (this.running) startDraining(this.running.core);
  }

  /** Stops serving (in-flight requests finish), runs onTerminate, closes the database. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.hookFiles?.close();
    running.stopMigrations?.();
    await running.core.hooks.onTerminate.trigger({ app: running.core.app() });
    // In-flight requests finish; keep-alive connections are closed as they become idle (server/app.ts).
    await running.http.close();
    await running.core.close();
    await activeTracing()?.flush().catch(() => {});
  }

  /** The HTTP server (for an embedding program that adds Fastify plugins or hooks). */
  get http(): FastifyInstance {
    if (!this.running) throw new Error('the app is not started yet');
    return this.running.http;
  }
}

const defaultLog = (message: string) => (message.startsWith('Error') ? process.stderr : process.stdout).write(`${message}\n`);

export type { HookName } from '../hooks/hook-names.js';

export function createApp(options: GalleyOptions = {}): GalleyApp {
  return new GalleyApp(options);
}

function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (!code || !['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'].includes(code)) return err;
  const what = code === 'EADDRINUSE' ? 'the address is already in use' : code === 'EACCES' ? 'permission denied' : 'the address is not available on this machine';
  return new ConfigError(`cannot listen on ${host}:${port}: ${what}`);
}
