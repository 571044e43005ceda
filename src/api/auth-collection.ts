/** Shared by the auth route modules: the auth collection of a request, and the flows' dependencies. */
import type { FastifyRequest } from 'fastify';
import { writeWithUploads } from './record-uploads.js';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import type { Collection } from '../core/collections/collection.js';
import type { EmailFlowDeps } from '../core/auth/email-flow-support.js';

/** The `{c}` of an auth route; 404 when it is not an auth collection (API spec 5). */
export function authCollectionOf(core: GalleyCore, request: FastifyRequest): Collection {
  const c = core.collections.find((request.params as { c: string }).c);
  if (!c || !c.isAuth) throw new ApiError(404, 'Missing or invalid auth collection context.');
  return c;
}

export function emailFlowDeps(core: GalleyCore, onMailError: EmailFlowDeps['onMailError']): EmailFlowDeps {
  return {
    ...core.recordDeps, settings: core.settings, onMailError,
    mailerFor: (smtp) => core.mailer(smtp),
    withUploads: (collection, body, files, write) => writeWithUploads(core, collection, body, files, write),
  };
}
