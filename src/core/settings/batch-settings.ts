/**
 * The `batch` settings section (API spec 8.1, 8.3): whether `POST /api/batch` is
 * allowed, how many sub-requests one batch may hold, its time limit in seconds, and
 * its body size limit in bytes (0: 128 MiB; the global 32 MiB limit does not apply).
 */
import { fieldError, type ErrorData } from '../errors.js';
import { mergeFlat, type SettingsSection } from './settings-section.js';

export interface BatchSettings {
  enabled: boolean;
  maxRequests: number;
  timeout: number;
  maxBodySize: number;
  [key: string]: string | number | boolean;
}

export const DEFAULT_BATCH_BODY_SIZE = 128 * 1024 * 1024;

const defaults = (): BatchSettings => ({ enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 });

const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;

export const batchSection: SettingsSection<BatchSettings> = {
  name: 'batch',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    // PocketBase requires these when batching is on; they are checked always so a stored value is never nonsense.
    if (!positiveInt(v.maxRequests)) errors.maxRequests = fieldError('validation_min_greater_equal_than_required', 'Must be an integer no less than 1.');
    if (!positiveInt(v.timeout)) errors.timeout = fieldError('validation_min_greater_equal_than_required', 'Must be an integer no less than 1.');
    if (!Number.isInteger(v.maxBodySize) || v.maxBodySize < 0) errors.maxBodySize = fieldError('validation_min_greater_equal_than_required', 'Must be a non-negative integer.');
    return errors;
  },
  toPublic: (v) => ({ enabled: v.enabled, maxRequests: v.maxRequests, timeout: v.timeout, maxBodySize: v.maxBodySize }),
};
