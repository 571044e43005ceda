/**
 * The request side of logging: a request id per request (an incoming `x-request-id`
 * kept when short and safe, echoed in the response), and PocketBase's request log
 * entry for every finished request, handed to the batching writer (src/logs/log-service.ts)
 * after the response is sent. With `--logLevel debug` each request is also a line on
 * stdout. Secrets in the URL (file tokens, OAuth2 codes) are redacted before either.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { clientIp } from '../server/client-ip.js';
import { toApiError } from '../server/error-handler.js';
import { log, stdoutEnabled } from './logger.js';
import type { LogsSettings } from '../core/settings/logs-settings.js';

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

/** Query parameters whose values are credentials: file and backup tokens, OAuth2 codes and states. */
const SECRET_QUERY = /([?&](?:token|access_token|code|state)=)[^&#]*/g;

const SECRET_NAMES = new Set(['token', 'access_token', 'code', 'state']);

/** The URL as logged: secret query values replaced (the regular expression runs only when one of the names is there). */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  // A %-encoded name (`%74oken=`) is the same parameter to the server: decode each name.
  if (url.includes('%', query)) return redactEncoded(url, query);
  return url.includes('token=') || url.includes('code=') || url.includes('state=') ? url.replace(SECRET_QUERY, '$1[redacted]') : url;
}

function redactEncoded(url: string, query: number): string {
  const pairs = url.slice(query + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // malformed: compared as written
    }
    return SECRET_NAMES.has(name) ? `${key}=[redacted]` : pair;
  });
  return `${url.slice(0, query + 1)}${pairs.join('&')}`;
}

/** Successful requests to these are not logged (PocketBase's SkipSuccessActivityLog): the logs API, the SSE connect, the OAuth2 redirect. */
function skippedOnSuccess(method: string, url: string): boolean {
  return url.startsWith('/api/logs') || (method === 'GET' && (url === '/api/realtime' || url.startsWith('/api/realtime?'))) || url.startsWith('/api/oauth2-redirect');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
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
    const url = redactUrl(request.url);
    if (!failed && skippedOnSuccess(request.method, url)) return done();

    const level = failed ? 8 : 0;
    const message = `${cut(request.method, 50)} ${unescape(cut(url, 3000))}`;
    const logged = settings !== undefined && level >= settings.minLevel;
    if (!logged && !debug) return done();
    // Most requests: the data's JSON written out directly (its keys are fixed), not
    // built as an object and serialised; a failure's error and details go the general way.
    if (logged && err === undefined && !debug) {
      core.logs.add(level, message, requestDataJson(request, reply.elapsedTime, url, status, settings, core));
      return done();
    }
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

/**
 * A successful request's data as JSON text, keys in the order of the general path:
 * `{type, execTime, url, method, status, referer, userAgent, auth, authId?, userIP?, remoteIP?}`.
 */
function requestDataJson(request: FastifyRequest, execTime: number, url: string, status: number, settings: LogsSettings, core: GalleyCore): string {
  let json = `{"type":"request","execTime":${execTime},"url":${JSON.stringify(cut(url, 3000))},"method":${JSON.stringify(cut(request.method, 50))}` +
    `,"status":${status},"referer":${JSON.stringify(cut(header(request, 'referer'), 2000))},"userAgent":${JSON.stringify(cut(header(request, 'user-agent'), 2000))}` +
    `,"auth":${JSON.stringify(request.auth?.collection?.name ?? '')}`;
  if (settings.logAuthId && request.auth?.record) json += `,"authId":${JSON.stringify(String(request.auth.record.id))}`;
  if (settings.logIP) json += `,"userIP":${JSON.stringify(clientIp(request, core.settings.current().trustedProxy))},"remoteIP":${JSON.stringify(request.socket.remoteAddress ?? '')}`;
  return `${json}}`;
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

/** PocketBase's url.PathUnescape: %XX decoded, the raw text when it is malformed. */
function unescape(url: string): string {
  if (!url.includes('%')) return url;
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
