/**
 * OTP sign-in routes for auth collections (API spec 5.7): request-otp answers
 * `{otpId}` whether or not the email exists; auth-with-otp answers the normal auth
 * response (authRule applied, `@request.context` = `otp`), or an MFA step (5.6).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { EmailFlowDeps } from '../core/auth/email-flow-support.js';
import { authWithOtp, requestOtp } from '../core/auth/otp-flow.js';
import { mfaIdFrom } from '../core/auth/mfa-flow.js';
import { readBody } from '../server/body.js';
import { authResponse } from './auth-response.js';
import { authCollectionOf, emailFlowDeps } from './auth-collection.js';
import { signInAttempt, withMailLimit } from './sign-in-guard.js';


export function registerRecordAuthOtpRoutes(app: FastifyInstance, core: GalleyCore, onMailError: EmailFlowDeps['onMailError']): void {
  const deps = emailFlowDeps(core, onMailError);
  const authCollection = (request: FastifyRequest) => authCollectionOf(core, request);

  app.post('/api/collections/:c/request-otp', async (request) => {
    const collection = authCollection(request);
    return { otpId: requestOtp(withMailLimit(core, request, deps), collection, (await readBody(request)).data) };
  });

  app.post('/api/collections/:c/auth-with-otp', async (request) => {
    const collection = authCollection(request);
    const { data } = await readBody(request);
    const attempt = signInAttempt(core, request, collection);
    const row = await authWithOtp(deps, collection, data, attempt);
    return attempt.settle(authResponse(core, collection, row, request, { context: 'otp', mfa: { mfaId: mfaIdFrom(request.query, data) } }));
  });
}
