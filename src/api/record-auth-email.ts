/**
 * The email flows of auth collections (API spec 5.8, 5.9): request/confirm
 * verification, password reset and email change. Every request-* answers 204 once
 * its input is valid; whether a mail went out (and whether it could, or the mail
 * limits of sign-in protection held it back) is not told.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { Collection } from '../core/collections/collection.js';
import type { EmailFlowDeps } from '../core/auth/email-flow-support.js';
import { confirmVerification, requestVerification } from '../core/auth/verification-flow.js';
import { confirmPasswordReset, requestPasswordReset } from '../core/auth/password-reset-flow.js';
import { confirmEmailChange, requestEmailChange } from '../core/auth/email-change-flow.js';
import { readBody } from '../server/body.js';
import { authCollectionOf, emailFlowDeps } from './auth-collection.js';
import { withMailLimit } from './sign-in-guard.js';

type Flow = (deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>) => Promise<void>;

export function registerRecordAuthEmailRoutes(app: FastifyInstance, core: GalleyCore, onMailError: EmailFlowDeps['onMailError']): void {
  const deps = emailFlowDeps(core, onMailError);
  const authCollection = (request: FastifyRequest) => authCollectionOf(core, request);
  const route = (path: string, flow: Flow) =>
    app.post(`/api/collections/:c/${path}`, async (request, reply: FastifyReply) => {
      const collection = authCollection(request);
      await flow(withMailLimit(core, request, deps), collection, (await readBody(request)).data);
      return reply.code(204).send();
    });

  route('request-verification', requestVerification);
  route('confirm-verification', confirmVerification);
  route('request-password-reset', requestPasswordReset);
  route('confirm-password-reset', confirmPasswordReset);
  route('confirm-email-change', confirmEmailChange);
  // Needs the caller: an auth record of this very collection.
  app.post('/api/collections/:c/request-email-change', async (request, reply) => {
    const collection = authCollection(request);
    await requestEmailChange(withMailLimit(core, request, deps), collection, request.auth, (await readBody(request)).data);
    return reply.code(204).send();
  });
}
