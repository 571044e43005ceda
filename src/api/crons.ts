/**
 * The crons API (spec 8.5), superusers only: list the jobs of this instance, and run
 * one now on this instance (204 at once; the run goes on in the background).
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { notFound } from '../core/errors.js';
import { requireSuperuser } from './guards.js';

export function registerCronRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.get('/api/crons', async (request) => {
    requireSuperuser(request);
    return core.crons.list();
  });

  app.post<{ Params: { id: string } }>('/api/crons/:id', async (request, reply) => {
    requireSuperuser(request);
    if (!core.crons.has(request.params.id)) throw notFound('Missing or invalid cron job.');
    void core.crons.run(request.params.id); // failures are logged by the service
    return reply.code(204).send();
  });
}
