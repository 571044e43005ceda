/**
 * The `smtp` settings section (API spec 8.3). `tls` means implicit TLS (usually port
 * 465); without it the connection is upgraded with STARTTLS when the server offers
 * it. The password is write-only: never shown, and kept when a PATCH omits it.
 */
import { isIP, isFQDN } from '../text-checks.js';
import { fieldError, required, type ErrorData } from '../errors.js';
import { mergeFlat, type SettingsSection } from './settings-section.js';

export interface SmtpSettings {
  [key: string]: string | number | boolean;
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  password: string;
  /** '' (the server's choice), 'PLAIN' or 'LOGIN'. */
  authMethod: string;
  tls: boolean;
  /** The name sent in EHLO/HELO; '' for the default. */
  localName: string;
}

const defaults = (): SmtpSettings => ({
  enabled: false,
  host: 'smtp.example.com',
  port: 587,
  username: '',
  password: '',
  authMethod: '',
  tls: false,
  localName: '',
});

const AUTH_METHODS = ['', 'PLAIN', 'LOGIN'];

export const isHost = (s: string) => isIP(s) || isFQDN(s, { require_tld: false, allow_underscores: true });
const hostError = () => fieldError('validation_is_host', 'Must be a valid IP address or DNS name.');

export const smtpSection: SettingsSection<SmtpSettings> = {
  name: 'smtp',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    if (v.host === '') {
      if (v.enabled) errors.host = required();
    } else if (!isHost(v.host)) errors.host = hostError();
    if (!Number.isInteger(v.port)) errors.port = fieldError('validation_invalid_value', 'Must be an integer.');
    else if (v.port === 0 && v.enabled) errors.port = required();
    else if (v.port < 0 || v.port > 65535) errors.port = fieldError('validation_invalid_value', 'Must be a port number between 1 and 65535.');
    if (!AUTH_METHODS.includes(v.authMethod)) errors.authMethod = fieldError('validation_in_invalid', 'Must be a valid value.');
    if (v.localName !== '' && !isHost(v.localName)) errors.localName = hostError();
    if (v.username.length > 255) errors.username = fieldError('validation_length_too_long', 'The length must be no more than 255.');
    return errors;
  },
  toPublic: ({ password: _secret, ...shown }) => shown,
};
