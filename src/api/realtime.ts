/**
 * The realtime endpoints (API spec 6): `GET /api/realtime` opens the SSE stream,
 * `POST /api/realtime` sets a client's subscriptions, and `/api/oauth2-redirect`
 * hands an OAuth2 code to the realtime client that started the popup flow (5.5).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, fieldError, required, type ErrorData } from '../core/errors.js';
import { readBody } from '../server/body.js';
import { clientIp } from '../server/client-ip.js';
import type { RealtimeBroker } from '../realtime/realtime-broker.js';
import { eventAuth, eventRequest } from './request-event.js';

const MAX_TOPICS = 1000;
const MAX_TOPIC_LENGTH = 2500;
const OAUTH2_TOPIC = '@oauth2';
const OAUTH2_SUCCESS = '../_/#/auth/oauth2-redirect-success';
const OAUTH2_FAILURE = '../_/#/auth/oauth2-redirect-failure';

export function registerRealtimeRoutes(app: FastifyInstance, core: GalleyCore, broker: RealtimeBroker): void {
  const ipOf = (request: FastifyRequest) => clientIp(request, core.settings.current().trustedProxy);

  app.get('/api/realtime', async (request, reply) => {
    const ip = ipOf(request);
    const hook = core.hooks.onRealtimeConnectRequest;
    if (!hook.isEmpty()) {
      // A handler may refuse the connection by throwing (an ApiError for the client).
      let allowed = false;
      await hook.trigger({ app: core.app(), clientId: '', request: eventRequest(request) }, () => { allowed = true; });
      if (!allowed) return reply.code(204).send();
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    broker.connect(ip, reply.raw);
  });

  app.post('/api/realtime', async (request, reply) => {
    const { data } = await readBody(request);
    const input = readSubscribeInput(data);
    const hook = core.hooks.onRealtimeSubscribeRequest;
    if (!hook.isEmpty()) {
      let allowed = false;
      const e = { app: core.app(), clientId: input.clientId, auth: eventAuth(request), subscriptions: input.subscriptions };
      await hook.trigger(e, () => { allowed = true; });
      if (!allowed) return reply.code(204).send();
      input.subscriptions = e.subscriptions.filter((s) => typeof s === 'string');
    }
    const result = await broker.subscribe(input.clientId, input.subscriptions, request.auth, ipOf(request));
    if (result === 'unknown-client') throw new ApiError(404, 'Missing or invalid client id.');
    if (result === 'ip-mismatch') throw new ApiError(400, 'Invalid realtime client.');
    if (result === 'auth-mismatch') throw new ApiError(403, "The current and the previous request authorization don't match.");
    return reply.code(204).send();
  });

  const oauth2Redirect = async (request: FastifyRequest, reply: FastifyReply) => {
    // Providers redirect with GET; form_post providers (Apple) POST the same fields.
    const input = request.method === 'GET' ? (request.query as Record<string, unknown>) : (await readBody(request)).data;
    const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
    const state = text('state');
    const code = text('code');
    const error = text('error');
    const status = request.method === 'GET' ? 307 : 303;
    if (state === '') return reply.redirect(OAUTH2_FAILURE, status);
    const message = JSON.stringify(error ? { state, code, error } : { state, code });
    const sent = await broker.send(state, OAUTH2_TOPIC, message, ipOf(request));
    return reply.redirect(sent === 'ok' && !error ? OAUTH2_SUCCESS : OAUTH2_FAILURE, status);
  };
  app.get('/api/oauth2-redirect', oauth2Redirect);
  app.post('/api/oauth2-redirect', oauth2Redirect);

  // Open streams would hold the server's close open: end them first.
  app.addHook('preClose', (done) => {
    broker.close();
    done();
  });
}

function readSubscribeInput(data: Record<string, unknown>): { clientId: string; subscriptions: string[] } {
  const errors: ErrorData = {};
  const clientId = typeof data.clientId === 'string' ? data.clientId : '';
  if (clientId === '') errors.clientId = required();
  else if (clientId.length > 255) errors.clientId = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');

  // A multipart form with one topic gives a string, not a list.
  const raw = data.subscriptions ?? [];
  const list = typeof raw === 'string' ? [raw] : raw;
  let subscriptions: string[] = [];
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
    errors.subscriptions = fieldError('validation_invalid_value', 'Must be a list of topic strings.');
  } else if (list.length > MAX_TOPICS) {
    errors.subscriptions = fieldError('validation_length_too_long', `The length must be no more than ${MAX_TOPICS}.`);
  } else {
    subscriptions = (list as string[]).filter((s) => s !== '');
    const tooLong = subscriptions.findIndex((s) => s.length > MAX_TOPIC_LENGTH);
    if (tooLong !== -1) errors.subscriptions = { [tooLong]: fieldError('validation_length_too_long', `The length must be no more than ${MAX_TOPIC_LENGTH}.`) };
  }
  if (Object.keys(errors).length) throw new ApiError(400, 'Something went wrong while processing your request.', errors);
  return { clientId, subscriptions };
}
