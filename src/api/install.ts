/**
 * `POST /api/galley/install` `{token, email, password, passwordConfirm}` → 204: the
 * dashboard's first-run page creates the first superuser (docs/dashboard.md).
 * Validation errors come back as field errors like any record create.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { readBody } from '../server/body.js';
import { installFirstSuperuser } from '../core/install/install-superuser.js';

export function registerInstallRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.post('/api/galley/install', async (request, reply) => {
    const { data } = await readBody(request);
    await installFirstSuperuser(core, data);
    return reply.code(204).send();
  });
}
