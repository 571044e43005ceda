/**
 * OTP sign-in routes for auth collections (API spec 5.7): request-otp answers
 * `{otpId}` whether or not the email exists; auth-with-otp answers the normal auth
 * response (authRule applied, `@request.context` = `otp`), or an MFA step (5.6).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { Collection } from '../core/collections/collection.js';
import { ApiError } from '../core/errors.js';
import type { EmailFlowDeps } from '../core/auth/email-flow-support.js';
import { authWithOtp, requestOtp } from '../core/auth/otp-flow.js';
import { mfaIdFrom } from '../core/auth/mfa-flow.js';
import { readBody } from '../server/body.js';
import { authResponse } from './auth-response.js';

type Params = { c: string };

export function registerRecordAuthOtpRoutes(app: FastifyInstance, core: GalleyCore, onMailError: EmailFlowDeps['onMailError']): void {
  const deps: EmailFlowDeps = {
    store: core.store, collections: core.collections, settings: core.settings, onMailError,
    get mailerFor() { return core.mailerFor; },
  };
  const authCollection = (request: FastifyRequest): Collection => {
    const c = core.collections.find((request.params as Params).c);
    if (!c || !c.isAuth) throw new ApiError(404, 'Missing or invalid auth collection context.');
    return c;
  };

  app.post('/api/collections/:c/request-otp', async (request) => {
    const collection = authCollection(request);
    return { otpId: requestOtp(deps, collection, (await readBody(request)).data) };
  });

  app.post('/api/collections/:c/auth-with-otp', async (request) => {
    const collection = authCollection(request);
    const { data } = await readBody(request);
    const row = await authWithOtp(deps, collection, data);
    return authResponse(core, collection, row, request, { context: 'otp', mfa: { mfaId: mfaIdFrom(request.query, data) } });
  });
}
