/**
 * The request side of logging: a request id per request (an incoming `x-request-id`
 * kept when short and safe, echoed in the response), and PocketBase's request log
 * entry for every finished request, handed to the batching writer (src/logs/log-service.ts)
 * after the response is sent. With `--logLevel debug` each request is also a line on
 * stdout. Secrets in the URL (file tokens, OAuth2 codes) are redacted before either
 * (request-url.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { clientIp } from '../server/client-ip.js';
import { toApiError } from '../server/error-handler.js';
import { log, stdoutEnabled } from './logger.js';
import { cut, redactUrl, requestMessage } from './request-url.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The error the handler failed with, for the request log. */
    logError: unknown;
  }
}

// Per process: a random prefix and a counter (cheaper than random bytes per request, unique across instances).
const ID_PREFIX = randomBytes(6).toString('base64url');
let counter = 0;

/** Fastify's genReqId: the client's id when safe, else a new one. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && SAFE_REQUEST_ID.test(given)) return given;
  return `${ID_PREFIX}-${(++counter).toString(36)}`;
}

/** Successful requests to these are not logged (PocketBase's SkipSuccessActivityLog): the logs API, the SSE connect, the OAuth2 redirect. */
function skippedOnSuccess(method: string, url: string): boolean {
  return url.startsWith('/api/logs') || (method === 'GET' && (url === '/api/realtime' || url.startsWith('/api/realtime?'))) || url.startsWith('/api/oauth2-redirect');
}

export function registerRequestLog(app: FastifyInstance, core: GalleyCore): void {
  app.decorateRequest('logError', undefined);

  app.addHook('onError', (request, _reply, error, done) => {
    request.logError = error;
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const settings = core.logs.active();
    const debug = stdoutEnabled('debug');
    if (!settings && !debug) return done();
    const err = request.logError;
    const status = reply.statusCode;
    const failed = err !== undefined || status >= 400;
    if (!failed && skippedOnSuccess(request.method, request.url)) return done();

    const level = failed ? 8 : 0;
    const logged = settings !== undefined && level >= settings.minLevel;
    if (!logged && !debug) return done();
    // Most requests: only their fields are captured here; the row (message, data JSON)
    // is built where the batch is written (log-rows.ts).
    if (logged && err === undefined && !debug) {
      core.logs.addRequest({
        time: Date.now(),
        level,
        status,
        execTime: reply.elapsedTime,
        method: request.method,
        // Redacted here: a batch waits on disk before its rows are built (sqlite-log-thread.ts).
        url: redactUrl(request.url),
        referer: header(request, 'referer'),
        userAgent: header(request, 'user-agent'),
        auth: request.auth?.collection?.name ?? '',
        authId: settings.logAuthId && request.auth?.record ? String(request.auth.record.id) : undefined,
        userIP: settings.logIP ? clientIp(request, core.settings.current().trustedProxy) : undefined,
        remoteIP: settings.logIP ? request.socket.remoteAddress ?? '' : undefined,
      });
      return done();
    }
    const url = redactUrl(request.url);
    const message = requestMessage(request.method, url);
    const data: Record<string, unknown> = {
      type: 'request',
      execTime: reply.elapsedTime,
      url: cut(url, 3000),
      method: cut(request.method, 50),
      status,
      referer: cut(header(request, 'referer'), 2000),
      userAgent: cut(header(request, 'user-agent'), 2000),
      auth: request.auth?.collection?.name ?? '',
    };
    if (err !== undefined) describeError(err, data);
    if (settings?.logAuthId && request.auth?.record) data.authId = String(request.auth.record.id);
    if (settings?.logIP) {
      data.userIP = clientIp(request, core.settings.current().trustedProxy);
      data.remoteIP = request.socket.remoteAddress ?? '';
    }
    if (logged) core.logs.add(level, message, data, err === undefined ? sizeHint(data) : undefined);
    if (debug) log.debug(message, { reqId: request.id, ...data });
    done();
  });
}

/** The JSON length of a request log's data without an error is at most its strings plus the fixed keys and numbers. */
function sizeHint(data: Record<string, unknown>): number {
  return 400 + (data.url as string).length + (data.referer as string).length + (data.userAgent as string).length + (data.method as string).length + (data.auth as string).length;
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : '';
}

/** PocketBase: an ApiError gives its message and data (the validation map); anything else its text. */
function describeError(err: unknown, data: Record<string, unknown>): void {
  const api = toApiError(err);
  if (err instanceof ApiError || api.status < 500) {
    data.error = api.message;
    data.details = api.data;
  } else {
    data.error = err instanceof Error ? err.message : String(err);
  }
}
