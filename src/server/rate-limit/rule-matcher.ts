/**
 * Which rate-limit rule applies to a request (API spec 10.1). The request yields ordered
 * candidate labels: for collection routes `<collection>:<tag>` per tag, then `*:<tag>`
 * per tag, then `METHOD /path` and `/path`; for other routes the last two. For each
 * candidate in turn an exact label wins, then the prefix rules (labels ending in `/`) in
 * settings order; the first hit is the only rule applied. Rules whose audience does not
 * fit the caller (`@guest`, `@auth`) are skipped.
 */
import type { RateLimitRule } from '../../core/settings/rate-limit-settings.js';

export interface Candidates {
  /** `posts:list`, ..., `*:list`, ... (empty for routes without tags). */
  tags: readonly string[];
  methodPath: string;
  path: string;
}

export interface Match {
  rule: RateLimitRule;
  /** Whether the rule matched a collection tag (counted per collection and route) or a path. */
  byTag: boolean;
}

export class RuleMatcher {
  constructor(private readonly rules: readonly RateLimitRule[]) {}

  match(c: Candidates, isAuth: boolean): Match | undefined {
    const fits = (r: RateLimitRule) => r.audience === '' || (r.audience === '@auth') === isAuth;
    for (const tag of c.tags) {
      const rule = this.find(tag, fits);
      if (rule) return { rule, byTag: true };
    }
    for (const label of [c.methodPath, c.path]) {
      const rule = this.find(label, fits);
      if (rule) return { rule, byTag: false };
    }
    return undefined;
  }

  private find(candidate: string, fits: (r: RateLimitRule) => boolean): RateLimitRule | undefined {
    // A rule for this audience is preferred to one for everybody with the same label.
    let exact: RateLimitRule | undefined;
    for (const r of this.rules) {
      if (r.label !== candidate || !fits(r)) continue;
      if (r.audience !== '') return r;
      exact ??= r;
    }
    if (exact) return exact;
    for (const r of this.rules) if (r.label.endsWith('/') && candidate.startsWith(r.label) && fits(r)) return r;
    return undefined;
  }
}
