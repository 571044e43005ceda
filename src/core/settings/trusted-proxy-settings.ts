/**
 * The `trustedProxy` settings section (API spec 8.3, 10.2): the headers a reverse proxy
 * sets with the client IP (e.g. X-Forwarded-For, X-Real-IP, CF-Connecting-IP) and
 * whether to take the leftmost IP of the header rather than the rightmost.
 * With no headers the client IP is the TCP remote address.
 */
import { fieldError, type ErrorData } from '../errors.js';
import { invalidValue, itemErrors, stringList } from './list-values.js';
import { isPlainObject, type SettingsSection } from './settings-section.js';

export interface TrustedProxySettings {
  headers: string[];
  useLeftmostIP: boolean;
}

const defaults = (): TrustedProxySettings => ({ headers: [], useLeftmostIP: false });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,255}$/;

export const trustedProxySection: SettingsSection<TrustedProxySettings> = {
  name: 'trustedProxy',
  defaults,
  merge(current, input, errors) {
    const next = { headers: [...current.headers], useLeftmostIP: current.useLeftmostIP };
    if (!isPlainObject(input)) return next;
    if (input.headers !== undefined) next.headers = stringList(input.headers, current.headers, errors, 'headers');
    if (input.useLeftmostIP !== undefined) {
      if (typeof input.useLeftmostIP === 'boolean') next.useLeftmostIP = input.useLeftmostIP;
      else errors.useLeftmostIP = invalidValue();
    }
    return next;
  },
  validate(v) {
    const errors: ErrorData = {};
    const headers = itemErrors(v.headers, (h) => HEADER_NAME.test(h), () => fieldError('validation_invalid_header', 'Must be a valid HTTP header name.'));
    if (headers) errors.headers = headers;
    return errors;
  },
  toPublic: (v) => ({ headers: [...v.headers], useLeftmostIP: v.useLeftmostIP }),
};
