/**
 * HTTP app assembly: body parsing, CORS and security headers, auth resolution,
 * `fields` projection, error mapping, and the API route families.
 *
 * Request lifecycle: onRequest (security and CORS headers, Authorization →
 * request.auth, then the superuser IP allow-list and rate limits of request-guard.ts) → body parser → route handler → preSerialization (`fields`) →
 * response; CORS preflights are an OPTIONS route of their own (cors.ts). Errors at any step go through error-handler.ts.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CORS_HEADERS, registerPreflight } from './cors.js';
import type { GalleyCore } from '../core/galley-core.js';
import { GUEST, type RequestAuth } from '../core/auth/request-auth.js';
import { tokenFromHeader } from '../core/auth/resolve-auth.js';
import { registerBodyParsers, BODY_LIMIT } from './body.js';
import { LAZY_SCHEMA_COMPILERS } from './lazy-schema-compilers.js';
import { registerErrorHandling, toApiError } from './error-handler.js';
import { clientErrorHandler, handleExpect } from './protocol-errors.js';
import { applyFields } from './fields-projection.js';
import { registerHealthRoutes } from '../api/health.js';
import { registerCollectionRoutes } from '../api/collections.js';
import { registerRecordRoutes } from '../api/records.js';
import { registerRecordAuthRoutes } from '../api/record-auth.js';
import { registerAuthMethodRoutes } from '../api/record-auth-methods.js';
import { registerDashboardRoutes } from '../api/dashboard.js';
import { registerSettingsRoutes } from '../api/settings.js';
import { registerInstallRoutes } from '../api/install.js';
import { registerRecordAuthEmailRoutes } from '../api/record-auth-email.js';
import { registerRecordAuthOtpRoutes } from '../api/record-auth-otp.js';
import { registerRecordAuthOAuth2Routes } from '../api/record-auth-oauth2.js';
import { createRequestGuard } from './request-guard.js';
import type { CustomRoutes } from '../app/custom-routes.js';
import { registerFileRoutes } from '../api/files.js';
import { registerRealtimeRoutes } from '../api/realtime.js';
import { registerBatchRoutes } from '../api/batch.js';
import { registerCronRoutes } from '../api/crons.js';
import { registerWebhookRoutes } from '../api/webhooks.js';
import { registerVectorSearchRoutes } from '../api/vector-search.js';
import { registerAskRoutes } from '../api/ask.js';
import { RealtimeBroker, type RealtimeOptions } from '../realtime/realtime-broker.js';
import { registerHttpMetrics } from '../metrics/http-metrics.js';
import { activeTracing } from '../tracing/tracing.js';
import { registerMetricsOverviewRoute, registerMetricsRoutes } from '../api/metrics.js';
import { registerLogRoutes } from '../api/logs.js';
import { registerBackupRoutes } from '../api/backups.js';
import { REQUEST_ID_HEADER, registerRequestLog, requestId } from '../logs/request-log.js';
import { errorText } from '../logs/logger.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

const SECURITY_HEADERS = {
  'x-xss-protection': '1; mode=block',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
};

/** On every response: security headers and CORS. */
const STATIC_HEADERS = { ...SECURITY_HEADERS, ...CORS_HEADERS };

export interface AppOptions {
  /** Unexpected errors (500s); the request is given when there is one. */
  logError?: (err: unknown, request?: FastifyRequest) => void;
  /** Operational warnings, such as a mail that could not be sent. */
  logWarning?: (message: string) => void;
  /** Routes added by server-side code, served when no built-in route matches. */
  routes?: CustomRoutes;
  /** A bearer token that may read GET /api/metrics without a superuser (default: GALLEY_METRICS_TOKEN). */
  metricsToken?: string;
  /** Realtime connection lifetimes (tests shorten them). */
  realtime?: RealtimeOptions;
}

export async function buildApp(core: GalleyCore, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    clientErrorHandler: clientErrorHandler(STATIC_HEADERS),
    forceCloseConnections: 'idle',
    genReqId: requestId,
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: false },
    // No built-in route has a schema: ajv and fast-json-stringify stay unloaded unless one does.
    schemaController: LAZY_SCHEMA_COMPILERS,
    // Errors raised before routing (e.g. a badly %-encoded path) skip the hooks: same body and headers as any error.
    frameworkErrors: (err, request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      const apiError = toApiError(err);
      void reply.headers(STATIC_HEADERS).code(apiError.status).type('application/json');
      return request.method === 'HEAD' ? reply.send() : reply.send(apiError.toJSON());
    },
  });
  const logError = options.logError ?? ((err, request) => core.logger.error(`unexpected error: ${errorText(err)}`, request ? { reqId: request.id } : undefined));
  const logWarning = options.logWarning ?? ((message) => core.logger.warn(message));

  handleExpect(app.server, STATIC_HEADERS);
  // First of all hooks: the request's span is entered before auth resolution reads the database.
  activeTracing()?.registerHttp(app);
  app.decorateRequest('auth', null as unknown as RequestAuth);
  const routes = options.routes;
  registerErrorHandling(app, logError, routes && ((request, reply) => routes.handle(core, request, reply)));
  registerBodyParsers(app);
  registerPreflight(app);

  const guard = createRequestGuard(core);
  // One hook, callback-style rather than async: on the hot path every hook and promise
  // hop shows up in throughput.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(STATIC_HEADERS);
    reply.header(REQUEST_ID_HEADER, request.id);
    const header = request.headers.authorization;
    const proceed = (auth: RequestAuth) => {
      request.auth = auth;
      const verdict = guard(request);
      // A promise only when a cluster-wide rate-limit counter asks the database.
      if (verdict instanceof Promise) verdict.then((err) => done(err as FastifyError | undefined), done);
      else done(verdict as FastifyError | undefined);
    };
    if (!header) return proceed(GUEST);
    let auth: RequestAuth | Promise<RequestAuth>;
    try {
      auth = core.tokens.resolve(tokenFromHeader(header));
    } catch (err) {
      return done(err as FastifyError);
    }
    // A token seen before resolves without a read (and without a promise hop).
    if (auth instanceof Promise) auth.then(proceed, done);
    else proceed(auth);
  });

  app.addHook('preSerialization', (request, reply, payload, done) => {
    const fields = (request.query as Record<string, unknown> | undefined)?.fields;
    if (typeof fields !== 'string' || fields === '' || reply.statusCode >= 300) {
      done(null, payload);
      return;
    }
    try {
      const filter = (request.query as Record<string, unknown>).filter;
      done(null, applyFields(payload, fields, typeof filter === 'string' ? filter : undefined));
    } catch (err) {
      done(err as Error);
    }
  });

  registerRequestLog(app, core);
  if (core.metricsEnabled) {
    registerHttpMetrics(app, core.metrics);
    registerMetricsRoutes(app, core.metrics, options.metricsToken ?? process.env.GALLEY_METRICS_TOKEN);
  }
  registerMetricsOverviewRoute(app, core.metrics, core.metricsEnabled);
  registerHealthRoutes(app, core);
  registerCollectionRoutes(app, core);
  registerRecordRoutes(app, core);
  registerRecordAuthRoutes(app, core);
  const onMailError = (what: string, err: unknown) => logWarning(`${what} not sent: ${err instanceof Error ? err.message : String(err)}`);
  registerRecordAuthEmailRoutes(app, core, onMailError);
  registerRecordAuthOtpRoutes(app, core, onMailError);
  registerRecordAuthOAuth2Routes(app, core, onMailError);
  registerSettingsRoutes(app, core);
  registerInstallRoutes(app, core);
  if (options.logWarning) core.files.logWarning = options.logWarning;
  registerFileRoutes(app, core);
  registerAuthMethodRoutes(app, core);
  registerBatchRoutes(app, core);
  registerCronRoutes(app, core);
  registerLogRoutes(app, core);
  registerBackupRoutes(app, core);
  registerWebhookRoutes(app, core);
  registerVectorSearchRoutes(app, core);
  registerAskRoutes(app, core);
  // A serving instance sends webhook deliveries (a CLI command opening the core does not).
  core.webhooks.start();
  app.addHook('onClose', () => core.webhooks.stop());
  // And runs durable jobs (extraction, embeddings); a CLI command does not.
  core.jobs.start();
  app.addHook('onClose', () => core.jobs.stop());
  closeConnectionsAsTheyIdle(app);
  const broker = new RealtimeBroker(core, options.realtime, logWarning);
  // After a restore, realtime clients reconnect and subscribe again against the restored data.
  const stopRestoreListener = core.backups.onRestored(() => broker.disconnectAll());
  app.addHook('onClose', async () => { stopRestoreListener(); });
  registerRealtimeRoutes(app, core, broker);
  registerDashboardRoutes(app);
  return app;
}

/**
 * Closing waits for every connection. A keep-alive connection whose last response ends
 * during the close is idle from then on and would hold it open until the client drops
 * it (Fastify closes only the connections idle when the close starts): such connections
 * are closed as they become idle. Requests that arrive meanwhile get a 503 with
 * `Connection: close` from Fastify.
 */
function closeConnectionsAsTheyIdle(app: FastifyInstance): void {
  let sweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(sweep);
    done();
  });
}
