/**
 * The per-request checks that run once the caller is known (in the onRequest hook):
 * the superuser IP allow-list for superusers, the rate limiter for everybody else.
 * Synchronous and cheap when both are off: settings come from the in-memory copy
 * (SettingsService.current) and the client IP is only worked out when needed; with
 * rate limits on, asynchronous only when the PostgreSQL counter takes a lease.
 */
import type { FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { ApiError } from '../core/errors.js';
import { clientIp } from './client-ip.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { rateLimitCounterFor } from './rate-limit/rate-limit-counter.js';
import { errorText } from '../logs/logger.js';
import { SuperuserIpGuard } from './superuser-ip-guard.js';

/** A refusal, or undefined; a promise only when the rate limit's counter must ask the database. */
export type RequestGuard = (request: FastifyRequest) => ApiError | undefined | Promise<ApiError | undefined>;

export function createRequestGuard(core: GalleyCore): RequestGuard {
  const counter = rateLimitCounterFor(core.store, (err) => core.logger.warn(`rate limit counter unavailable, request admitted: ${errorText(err)}`));
  const limiter = new RateLimiter(core.collections, counter);
  const superuserIps = new SuperuserIpGuard();
  return (request) => {
    const settings = core.settings.current();
    if (request.auth.isSuperuser) {
      if (settings.superuserIPs.length === 0) return undefined;
      return superuserIps.check(settings.superuserIPs, clientIp(request, settings.trustedProxy));
    }
    if (!settings.rateLimits.enabled) return undefined;
    return limiter.check(request, settings.rateLimits, () => clientIp(request, settings.trustedProxy));
  };
}
