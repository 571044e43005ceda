/**
 * The `s3` settings section (API spec 8.3): when enabled, uploaded files are stored in
 * this bucket instead of `<dataDir>/storage`. The secret is write-only: never shown,
 * and kept when a PATCH omits it.
 */
import { fieldError, required, type ErrorData } from '../errors.js';
import { mergeFlat, type SettingsSection } from './settings-section.js';

export interface S3Settings {
  [key: string]: string | boolean;
  enabled: boolean;
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

const defaults = (): S3Settings => ({
  enabled: false,
  bucket: '',
  region: '',
  endpoint: '',
  accessKey: '',
  secret: '',
  forcePathStyle: false,
});

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export const s3Section: SettingsSection<S3Settings> = {
  name: 's3',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    if (v.enabled) {
      for (const key of ['bucket', 'region', 'endpoint', 'accessKey', 'secret'] as const) if (v[key] === '') errors[key] = required();
    }
    if (v.endpoint !== '' && !isHttpUrl(v.endpoint)) errors.endpoint = fieldError('validation_invalid_url', 'Must be a valid URL.');
    for (const key of ['bucket', 'region', 'accessKey', 'secret'] as const)
      if (v[key].length > 255 && !errors[key]) errors[key] = fieldError('validation_length_too_long', 'The length must be no more than 255.');
    return errors;
  },
  toPublic: ({ secret: _secret, ...shown }) => shown,
};
