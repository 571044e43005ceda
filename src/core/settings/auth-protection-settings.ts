/**
 * The `authProtection` settings section (Galley's own; docs/authentication.md): the
 * brute-force limits on failed sign-ins and the limits on mail-sending requests.
 * Failed password, OTP and MFA attempts are counted per (identity, client IP), per
 * identity and per client IP within `failureWindow` seconds; mails per target address
 * and per client IP within `mailWindow` seconds. On by default.
 */
import { fieldError, type ErrorData } from '../errors.js';
import { mergeFlat, type SettingsSection } from './settings-section.js';

export interface AuthProtectionSettings {
  enabled: boolean;
  /** Seconds a failure counts for; a locked key opens again when its window ends. */
  failureWindow: number;
  /** Failures for one identity from one IP: the attacker guessing one account's password. */
  maxFailuresPerIdentityIP: number;
  /** Failures for one identity from all IPs: guessing spread over many addresses. */
  maxFailuresPerIdentity: number;
  /** Failures from one IP over all identities: a password spray. */
  maxFailuresPerIP: number;
  mailWindow: number;
  /** Mails to one address: mail-bombing a victim. */
  maxMailsPerAddress: number;
  /** Mails requested from one IP: using Galley to mail many addresses. */
  maxMailsPerIP: number;
  [key: string]: string | number | boolean;
}

const defaults = (): AuthProtectionSettings => ({
  enabled: true,
  failureWindow: 900,
  maxFailuresPerIdentityIP: 10,
  maxFailuresPerIdentity: 100,
  maxFailuresPerIP: 50,
  mailWindow: 600,
  maxMailsPerAddress: 5,
  maxMailsPerIP: 30,
});

const WINDOWS = ['failureWindow', 'mailWindow'] as const;
const LIMITS = ['maxFailuresPerIdentityIP', 'maxFailuresPerIdentity', 'maxFailuresPerIP', 'maxMailsPerAddress', 'maxMailsPerIP'] as const;
const MAX_WINDOW = 7 * 86400;
const MAX_LIMIT = 1_000_000;

export const authProtectionSection: SettingsSection<AuthProtectionSettings> = {
  name: 'authProtection',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    for (const key of [...WINDOWS, ...LIMITS]) {
      const max = (WINDOWS as readonly string[]).includes(key) ? MAX_WINDOW : MAX_LIMIT;
      const value = v[key];
      if (!Number.isInteger(value) || value < 1) errors[key] = fieldError('validation_min_greater_equal_than_required', 'Must be an integer no less than 1.');
      else if (value > max) errors[key] = fieldError('validation_max_less_equal_than_required', `Must be no greater than ${max}.`);
    }
    return errors;
  },
  toPublic: (v) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(defaults())) out[key] = v[key];
    return out;
  },
};
