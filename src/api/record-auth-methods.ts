/**
 * `GET /auth-methods` (API spec 5.2): which ways of signing in a collection offers,
 * and `POST /impersonate/{id}` (5.11): a superuser's non-refreshable token for any
 * auth record, usable as a long-lived API key. OAuth2 entries carry fresh state and
 * PKCE values on every call.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, badRequest, fieldError } from '../core/errors.js';
import { findRecordById } from '../core/records/record-reader.js';
import { readBody } from '../server/body.js';
import { requireSuperuser } from './guards.js';
import { authResponse } from './auth-response.js';
import { authMethodEntry, readProvider } from '../core/auth/oauth2/providers.js';
import { authCollectionOf } from './auth-collection.js';

type Params = { c: string; id?: string };

export function registerAuthMethodRoutes(app: FastifyInstance, core: GalleyCore): void {
  const authCollection = (request: FastifyRequest) => authCollectionOf(core, request);

  app.get('/api/collections/:c/auth-methods', async (request) => {
    const m = authCollection(request).model;
    const password = m.passwordAuth!;
    return {
      password: { enabled: password.enabled, identityFields: password.enabled ? password.identityFields : [] },
      oauth2: {
        enabled: m.oauth2!.enabled,
        providers: m.oauth2!.enabled ? m.oauth2!.providers.map((p) => authMethodEntry(readProvider(p))) : [],
      },
      mfa: { enabled: m.mfa!.enabled, duration: m.mfa!.enabled ? m.mfa!.duration : 0 },
      otp: { enabled: m.otp!.enabled, duration: m.otp!.enabled ? m.otp!.duration : 0 },
    };
  });

  app.post('/api/collections/:c/impersonate/:id', { preHandler: async (request) => requireSuperuser(request) }, async (request) => {
    const collection = authCollection(request);
    const { data } = await readBody(request);
    const duration = data.duration ?? 0;
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 0)
      throw badRequest('An error occurred while validating the submitted data.', {
        duration: fieldError('validation_min_greater_equal_than_required', 'Must be a whole number of seconds, 0 or more.'),
      });
    const row = await findRecordById(core.store, collection, (request.params as Params).id!);
    if (!row) throw new ApiError(404);
    return authResponse(core, collection, row, request, { refreshable: false, durationSeconds: duration || undefined });
  });
}
