/**
 * The `logs` settings section (API spec 8.3, 8.4): request log retention in days
 * (0 disables the request log), the minimum level kept, and whether the client IP and
 * the auth id are recorded, and the size past which a log's data is truncated
 * (`maxDataSize`, 0: PocketBase's 16 KiB).
 */
import { fieldError, type ErrorData } from '../errors.js';
import { mergeFlat, type SettingsSection } from './settings-section.js';

export interface LogsSettings {
  maxDays: number;
  minLevel: number;
  logIP: boolean;
  logAuthId: boolean;
  maxDataSize: number;
  [key: string]: string | number | boolean;
}

const defaults = (): LogsSettings => ({ maxDays: 5, minLevel: 0, logIP: true, logAuthId: false, maxDataSize: 0 });

export const logsSection: SettingsSection<LogsSettings> = {
  name: 'logs',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    if (!Number.isInteger(v.maxDays) || v.maxDays < 0) errors.maxDays = fieldError('validation_min_greater_equal_than_required', 'Must be a non-negative integer.');
    if (!Number.isInteger(v.minLevel)) errors.minLevel = fieldError('validation_invalid_value', 'Must be an integer.');
    if (!Number.isSafeInteger(v.maxDataSize) || v.maxDataSize < 0) errors.maxDataSize = fieldError('validation_min_greater_equal_than_required', 'Must be a non-negative integer.');
    return errors;
  },
  toPublic: (v) => ({ maxDays: v.maxDays, minLevel: v.minLevel, logIP: v.logIP, logAuthId: v.logAuthId, maxDataSize: v.maxDataSize }),
};
