/**
 * Draining before a stop (docs/operations.md, "Rolling restarts"): from the stop signal
 * on, `GET /api/health` answers 503 so a load balancer takes the instance out of
 * rotation, while the requests that still arrive are served; each response then
 * closes its connection, so the balancer keeps no idle connection to an instance that
 * is about to stop listening.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';

const draining = new WeakSet<GalleyCore>();

/** From now on this instance is leaving: health checks fail, connections are not kept. */
export function startDraining(core: GalleyCore): void {
  draining.add(core);
}

export function isDraining(core: GalleyCore): boolean {
  return draining.has(core);
}

export function registerDraining(app: FastifyInstance, core: GalleyCore): void {
  app.addHook('onRequest', (_request, reply, done) => {
    if (draining.has(core)) reply.header('connection', 'close');
    done();
  });
}
