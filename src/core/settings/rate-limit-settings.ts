/**
 * The `rateLimits` settings section (API spec 8.3, 10.1): PocketBase's general rate
 * limiter, with PocketBase's defaults (off, and its four rules ready to switch on).
 * Sign-in and the mail-sending requests are protected without it, by the
 * `authProtection` section (core/auth/protection/, docs/authentication.md).
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

// PocketBase's defaults (core/settings_model.go).
const defaults = (): RateLimitSettings => ({
  enabled: false,
  rules: [
    rule('*:auth', 2, 3),
    rule('*:create', 20, 5),
    rule('/api/batch', 3, 1),
    rule('/api/', 300, 10),
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
