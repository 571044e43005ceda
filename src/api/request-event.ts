/** The request side of hook events: who asks and what they sent, as plain data. */
import type { FastifyRequest } from 'fastify';
import type { EventAuth, EventRequest } from '../hooks/events.js';

export function eventAuth(request: FastifyRequest): EventAuth {
  const auth = request.auth;
  return { record: auth.record, collectionName: auth.collection?.name ?? null, isSuperuser: auth.isSuperuser };
}

export function eventRequest(request: FastifyRequest): EventRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    query: { ...(request.query as Record<string, unknown>) },
    params: { ...(request.params as Record<string, string>) },
  };
}
