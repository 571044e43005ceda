/**
 * The logs API (PocketBase's `/api/logs`), superusers only: the list (filter, sort,
 * paging, skipTotal; `fields` by the server's projection hook), one log, hourly
 * stats for a filter, and DELETE to empty the store (the SDK's `pb.logs.truncate()`).
 * Successful calls are not logged themselves (src/logs/request-log.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { requireSuperuser } from './guards.js';
import { parseListParams } from './list-params.js';
import { getLog, listLogs, logStats } from '../logs/log-queries.js';

export function registerLogRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.get('/api/logs', async (request) => {
    requireSuperuser(request);
    return listLogs(core.logs.store, parseListParams(request.query as Record<string, unknown>));
  });

  app.get('/api/logs/stats', async (request) => {
    requireSuperuser(request);
    const filter = (request.query as Record<string, unknown>).filter;
    return logStats(core.logs.store, typeof filter === 'string' ? filter : Array.isArray(filter) ? String(filter[0] ?? '') : '');
  });

  app.get<{ Params: { id: string } }>('/api/logs/:id', async (request) => {
    requireSuperuser(request);
    return getLog(core.logs.store, request.params.id);
  });

  app.delete('/api/logs', async (request, reply) => {
    requireSuperuser(request);
    await core.logs.truncate();
    return reply.code(204).send();
  });
}
