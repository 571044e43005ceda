/**
 * HTTP app assembly: body parsing, CORS and security headers, auth resolution,
 * `fields` projection, error mapping, and the API route families.
 *
 * Request lifecycle: onRequest (security headers) → CORS → body parser →
 * preHandler (Authorization → request.auth) → route handler → preSerialization
 * (`fields`) → response. Errors at any step go through error-handler.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import type { GalleyCore } from '../core/galley-core.js';
import { GUEST, type RequestAuth } from '../core/auth/request-auth.js';
import { resolveAuth, tokenFromHeader } from '../core/auth/resolve-auth.js';
import { registerBodyParsers, BODY_LIMIT } from './body.js';
import { registerErrorHandling } from './error-handler.js';
import { applyFields } from './fields-projection.js';
import { registerHealthRoutes } from '../api/health.js';
import { registerCollectionRoutes } from '../api/collections.js';
import { registerRecordRoutes } from '../api/records.js';
import { registerRecordAuthRoutes } from '../api/record-auth.js';
import { registerDashboardRoutes } from '../api/dashboard.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

export interface AppOptions {
  logError?: (err: unknown) => void;
}

export async function buildApp(core: GalleyCore, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: false },
  });
  const logError = options.logError ?? ((err) => console.error('[galley] unexpected error:', err instanceof Error ? err.stack : err));

  app.decorateRequest('auth', null as unknown as RequestAuth);
  registerErrorHandling(app, logError);
  await registerBodyParsers(app);
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    credentials: false,
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-xss-protection', '1; mode=block');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'SAMEORIGIN');
  });

  app.addHook('preHandler', async (request) => {
    const header = request.headers.authorization;
    request.auth = header ? await resolveAuth(core.store, core.collections, tokenFromHeader(header)) : GUEST;
  });

  app.addHook('preSerialization', async (request, reply, payload) => {
    const fields = (request.query as Record<string, unknown> | undefined)?.fields;
    if (typeof fields !== 'string' || fields === '' || reply.statusCode >= 300) return payload;
    return applyFields(payload, fields);
  });

  registerHealthRoutes(app);
  registerCollectionRoutes(app, core);
  registerRecordRoutes(app, core);
  registerRecordAuthRoutes(app, core);
  registerDashboardRoutes(app);
  return app;
}
