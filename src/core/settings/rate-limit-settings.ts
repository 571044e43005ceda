/**
 * The `rateLimits` settings section (API spec 8.3, 10.1). Unlike PocketBase, limiting is
 * on by default with rules that only protect the record auth endpoints (password and
 * OTP sign-in, the email flows); counters are per collection, route and client IP.
 * The numbers are documented in docs/configuration.md.
 */
import { fieldError, required, type ErrorData } from '../errors.js';
import { isIpOrCidr } from '../net/ip-ranges.js';
import { invalidValue, itemErrors, stringList } from './list-values.js';
import { isPlainObject, type SettingsSection } from './settings-section.js';
import { ipError } from './superuser-ips-settings.js';

export type Audience = '' | '@guest' | '@auth';

export interface RateLimitRule {
  label: string;
  audience: Audience;
  /** The window, in seconds. */
  duration: number;
  maxRequests: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  rules: RateLimitRule[];
  excludedIPs: string[];
}

const rule = (label: string, maxRequests: number, duration = 60): RateLimitRule => ({ label, audience: '', duration, maxRequests });

const defaults = (): RateLimitSettings => ({
  enabled: true,
  rules: [
    rule('*:authWithPassword', 10),
    rule('*:authWithOTP', 10),
    rule('*:authWithOAuth2', 10),
    rule('*:requestOTP', 5),
    rule('*:requestPasswordReset', 5),
    rule('*:requestVerification', 5),
    rule('*:requestEmailChange', 5),
    rule('*:confirmPasswordReset', 10),
    rule('*:confirmVerification', 10),
    rule('*:confirmEmailChange', 10),
  ],
  excludedIPs: [],
});

const AUDIENCES: readonly string[] = ['', '@guest', '@auth'];
const METHODS = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*$/;
const isLabel = (label: string) => (label.includes(' ') ? METHODS.test(label) : /^\S+$/.test(label));

function mergeRule(input: unknown, errors: ErrorData): RateLimitRule {
  const out = rule('', 0, 0);
  if (!isPlainObject(input)) {
    errors[''] = invalidValue();
    return out;
  }
  for (const key of ['label', 'audience'] as const) {
    const v = input[key];
    if (typeof v === 'string') out[key] = v.trim() as Audience;
    else if (v !== undefined) errors[key] = invalidValue();
  }
  for (const key of ['duration', 'maxRequests'] as const) {
    const v = input[key];
    if (typeof v === 'number') out[key] = v;
    else if (v !== undefined) errors[key] = invalidValue();
  }
  return out;
}

export const rateLimitSection: SettingsSection<RateLimitSettings> = {
  name: 'rateLimits',
  defaults,
  merge(current, input, errors) {
    const next: RateLimitSettings = { enabled: current.enabled, rules: current.rules.map((r) => ({ ...r })), excludedIPs: [...current.excludedIPs] };
    if (!isPlainObject(input)) return next;
    if (input.enabled !== undefined) {
      if (typeof input.enabled === 'boolean') next.enabled = input.enabled;
      else errors.enabled = invalidValue();
    }
    if (input.excludedIPs !== undefined) next.excludedIPs = stringList(input.excludedIPs, current.excludedIPs, errors, 'excludedIPs');
    if (input.rules !== undefined) {
      if (!Array.isArray(input.rules)) errors.rules = invalidValue();
      else {
        const ruleErrors: ErrorData = {};
        next.rules = input.rules.map((r: unknown, i) => {
          const e: ErrorData = {};
          const merged = mergeRule(r, e);
          if (Object.keys(e).length) ruleErrors[String(i)] = e[''] ?? e;
          return merged;
        });
        if (Object.keys(ruleErrors).length) errors.rules = ruleErrors;
      }
    }
    return next;
  },
  validate(v) {
    const errors: ErrorData = {};
    const ruleErrors: ErrorData = {};
    const seen = new Set<string>();
    v.rules.forEach((r, i) => {
      const e: ErrorData = {};
      if (r.label === '') e.label = required();
      else if (r.label.length > 255 || !isLabel(r.label)) e.label = fieldError('validation_invalid_rate_limit_label', 'Invalid rule label.');
      else if (seen.has(`${r.label}|${r.audience}`)) e.label = fieldError('validation_duplicated_rate_limit_tag', 'Rate limit tag with label and audience must be unique.');
      seen.add(`${r.label}|${r.audience}`);
      if (!AUDIENCES.includes(r.audience)) e.audience = fieldError('validation_in_invalid', 'Must be a valid value.');
      if (!Number.isInteger(r.duration) || r.duration < 1) e.duration = fieldError('validation_min_greater_equal_than_required', 'Must be an integer no less than 1.');
      if (!Number.isInteger(r.maxRequests) || r.maxRequests < 1) e.maxRequests = fieldError('validation_min_greater_equal_than_required', 'Must be an integer no less than 1.');
      if (Object.keys(e).length) ruleErrors[String(i)] = e;
    });
    if (Object.keys(ruleErrors).length) errors.rules = ruleErrors;
    if (v.enabled && v.rules.length === 0) errors.rules = required();
    const ips = itemErrors(v.excludedIPs, isIpOrCidr, ipError);
    if (ips) errors.excludedIPs = ips;
    return errors;
  },
  toPublic: (v) => ({ enabled: v.enabled, excludedIPs: [...v.excludedIPs], rules: v.rules.map((r) => ({ ...r })) }),
};
