/**
 * `POST /auth-with-oauth2` (API spec 5.5): signs in (or up) with an authorization
 * code from one of the collection's OAuth2 providers; the answer is the normal auth
 * response (authRule and MFA applied, `@request.context` = `oauth2`) plus `meta`,
 * the provider's user.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { EmailFlowDeps } from '../core/auth/email-flow-support.js';
import { authWithOAuth2, readOAuth2Input } from '../core/auth/oauth2/flow.js';
import { mfaIdFrom } from '../core/auth/mfa-flow.js';
import { readBody } from '../server/body.js';
import { accessContext } from './access-context.js';
import { authResponse } from './auth-response.js';
import { authCollectionOf, emailFlowDeps } from './auth-collection.js';


export function registerRecordAuthOAuth2Routes(app: FastifyInstance, core: GalleyCore, onMailError: EmailFlowDeps['onMailError']): void {
  const deps = emailFlowDeps(core, onMailError);
  const authCollection = (request: FastifyRequest) => authCollectionOf(core, request);

  app.post('/api/collections/:c/auth-with-oauth2', async (request) => {
    const collection = authCollection(request);
    const { data } = await readBody(request);
    const input = readOAuth2Input(collection, data);
    const { row, meta } = await authWithOAuth2(deps, collection, input, accessContext(request, core, 'oauth2'));
    const response = await authResponse(core, collection, row, request, { context: 'oauth2', mfa: { mfaId: mfaIdFrom(request.query, data) } });
    return { ...response, meta };
  });
}
