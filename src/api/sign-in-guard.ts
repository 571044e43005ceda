/**
 * The request side of sign-in protection (core/auth/protection/): a sign-in attempt
 * and the mail limit, both for the request's client IP (trustedProxy settings).
 */
import type { FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { Collection } from '../core/collections/collection.js';
import type { EmailFlowDeps } from '../core/auth/email-flow-support.js';
import type { SignInAttempt } from '../core/auth/protection/sign-in-protection.js';
import { clientIp } from '../server/client-ip.js';

const ipOf = (core: GalleyCore, request: FastifyRequest) => clientIp(request, core.settings.current().trustedProxy);

export function signInAttempt(core: GalleyCore, request: FastifyRequest, collection: Collection): SignInAttempt {
  return core.signInProtection.attempt(collection.id, ipOf(core, request));
}

/** The flows' dependencies with this request's mail limit. */
export function withMailLimit(core: GalleyCore, request: FastifyRequest, deps: EmailFlowDeps): EmailFlowDeps {
  const ip = ipOf(core, request);
  return { ...deps, allowMail: (to) => core.signInProtection.allowMail(to, ip) };
}
