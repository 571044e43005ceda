/**
 * The settings API (spec 8.3), superusers only: GET shows the settings without
 * secrets; PATCH applies a partial update and answers with the new settings.
 */
import type { FastifyInstance } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { publicSettings } from '../core/settings/settings.js';
import { readBody } from '../server/body.js';
import { requireSuperuser } from './guards.js';
import { sendTestEmail } from '../core/auth/test-email.js';
import { testS3 } from '../files/test-s3.js';
import { emailFlowDeps } from './auth-collection.js';

export function registerSettingsRoutes(app: FastifyInstance, core: GalleyCore): void {
  app.get('/api/settings', async (request) => {
    requireSuperuser(request);
    return publicSettings(await core.settings.get());
  });

  app.patch('/api/settings', async (request) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    return publicSettings(await core.settings.update(data));
  });

  app.post('/api/settings/test/s3', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    await testS3(await core.settings.get(), data.filesystem);
    return reply.code(204).send();
  });

  app.post('/api/settings/test/email', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    // Mail errors are the answer here, not a warning in the log.
    await sendTestEmail(emailFlowDeps(core, () => {}), data);
    return reply.code(204).send();
  });
}
