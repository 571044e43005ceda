/**
 * The rate limiter (API spec 10.1): for a request that is neither a superuser's nor from
 * an excluded IP, finds the applicable rule and counts the request in a fixed window per
 * (rule, client IP), and for collection routes also per collection and route, so
 * `*:authWithPassword` limits every auth collection separately. Exceeding → 429.
 * The counter is shared by the cluster on PostgreSQL (rate-limit-counter.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { BlockList } from 'node:net';
import { ApiError } from '../../core/errors.js';
import type { CollectionService } from '../../core/collections/collection-service.js';
import type { RateLimitSettings } from '../../core/settings/rate-limit-settings.js';
import { ipInRanges, ipRanges } from '../../core/net/ip-ranges.js';
import type { RateLimitCounter } from './rate-limit-counter.js';
import { RuleMatcher, type Candidates } from './rule-matcher.js';
import { routeTags } from './route-tags.js';

interface Compiled {
  matcher: RuleMatcher;
  excluded: BlockList | null;
  /** The route tags the rules name (`authWithPassword` of `*:authWithPassword`). */
  tags: Set<string>;
  /** Whether some rule names a path (`/api/`, `POST /api/batch`): then every request is a candidate. */
  byPath: boolean;
}

/** `users:create`, `*:create` → `create`; undefined for path labels. */
const tagOf = (label: string): string | undefined => (label.startsWith('/') || label.includes(' ') ? undefined : label.split(':')[1]);

export class RateLimiter {
  private readonly compiled = new WeakMap<RateLimitSettings, Compiled>();

  constructor(private readonly collections: CollectionService, private readonly counter: RateLimitCounter) {}

  /**
   * A 429 error when `request` exceeds its rule, else undefined; a promise of either
   * only when the counter must ask the database. Superusers are not passed here.
   */
  check(request: FastifyRequest, settings: RateLimitSettings, clientIp: () => string): ApiError | undefined | Promise<ApiError | undefined> {
    if (!settings.enabled || settings.rules.length === 0) return undefined;
    const compiled = this.compile(settings);
    const tags = routeTags(request.method, request.routeOptions.url);
    // The default rules name only the auth routes: most requests are ruled out here, cheaply.
    if (!compiled.byPath && !tags?.some((t) => compiled.tags.has(t))) return undefined;
    const { matcher, excluded } = compiled;
    const ip = clientIp();
    if (excluded && ipInRanges(excluded, ip)) return undefined;

    const c = (request.params as { c?: string } | undefined)?.c;
    const collection = tags && c !== undefined ? (this.collections.find(c)?.name ?? c) : '';
    const path = pathOf(request.url);
    const candidates: Candidates = {
      tags: tags ? [...tags.map((t) => `${collection}:${t}`), ...tags.map((t) => `*:${t}`)] : [],
      methodPath: `${request.method} ${path}`,
      path,
    };
    const match = matcher.match(candidates, request.auth.record !== null);
    if (!match) return undefined;
    const { rule } = match;
    const scope = match.byTag ? `${collection}|${request.method} ${request.routeOptions.url}` : '';
    const key = `${rule.label}|${rule.audience}|${scope}|${ip}`;
    const allowed = this.counter.hit(key, rule.maxRequests, rule.duration * 1000);
    if (allowed === true) return undefined;
    if (allowed === false) return new ApiError(429);
    return allowed.then((ok) => (ok ? undefined : new ApiError(429)));
  }

  private compile(settings: RateLimitSettings): Compiled {
    let compiled = this.compiled.get(settings);
    if (!compiled) {
      const tags = settings.rules.map((r) => tagOf(r.label));
      compiled = {
        matcher: new RuleMatcher(settings.rules),
        excluded: settings.excludedIPs.length ? ipRanges(settings.excludedIPs) : null,
        tags: new Set(tags.filter((t) => t !== undefined)),
        byPath: tags.includes(undefined),
      };
      this.compiled.set(settings, compiled);
    }
    return compiled;
  }
}

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};
