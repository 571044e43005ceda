/**
 * The `backups` settings section (API spec 8.3, docs/backups.md): `cron`, the schedule
 * of automatic backups (5 fields, or 6 with seconds; '' = none), `cronMaxKeep`, how
 * many automatic backups are kept (the oldest are deleted; at least 1 when a schedule
 * is set), and `s3`, a bucket of its own for the archives (stored and validated as the
 * files' `s3` section; its secret is write-only); when enabled, archives are kept there
 * (src/backups/s3-backup-storage.ts).
 */
import { fieldError, type ErrorData } from '../errors.js';
import { isPlainObject, type SettingsSection } from './settings-section.js';
import { s3Section, type S3Settings } from './s3-settings.js';
import { parseExpression } from '../../cron/cron-job.js';

export interface BackupsSettings {
  cron: string;
  cronMaxKeep: number;
  s3: S3Settings;
}

const defaults = (): BackupsSettings => ({ cron: '', cronMaxKeep: 3, s3: s3Section.defaults() });

export const backupsSection: SettingsSection<BackupsSettings> = {
  name: 'backups',
  defaults,
  merge(current, input, errors) {
    const base = { ...defaults(), ...(isPlainObject(current) ? current : {}) } as BackupsSettings;
    const merged: BackupsSettings = {
      cron: typeof base.cron === 'string' ? base.cron : '',
      cronMaxKeep: typeof base.cronMaxKeep === 'number' ? base.cronMaxKeep : 3,
      s3: s3Section.merge(s3Section.defaults(), base.s3, {}),
    };
    if (!isPlainObject(input)) return merged;
    if (input.cron !== undefined) {
      if (typeof input.cron === 'string') merged.cron = input.cron.trim();
      else errors.cron = fieldError('validation_invalid_value', 'Invalid value.');
    }
    if (input.cronMaxKeep !== undefined) {
      if (typeof input.cronMaxKeep === 'number') merged.cronMaxKeep = input.cronMaxKeep;
      else errors.cronMaxKeep = fieldError('validation_invalid_value', 'Invalid value.');
    }
    if (input.s3 !== undefined) {
      const s3Errors: ErrorData = {};
      if (!isPlainObject(input.s3)) errors.s3 = fieldError('validation_invalid_value', 'Must be an object.');
      else merged.s3 = s3Section.merge(merged.s3, input.s3, s3Errors);
      if (Object.keys(s3Errors).length) errors.s3 = s3Errors;
    }
    return merged;
  },
  validate(v) {
    const errors: ErrorData = {};
    if (v.cron !== '') {
      try {
        parseExpression(v.cron);
      } catch {
        errors.cron = fieldError('validation_invalid_cron', 'Invalid cron expression.');
      }
      if (!Number.isInteger(v.cronMaxKeep) || v.cronMaxKeep < 1) errors.cronMaxKeep = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 1.');
    } else if (!Number.isInteger(v.cronMaxKeep) || v.cronMaxKeep < 0) {
      errors.cronMaxKeep = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 0.');
    }
    const s3Errors = s3Section.validate(v.s3);
    if (Object.keys(s3Errors).length) errors.s3 = s3Errors;
    return errors;
  },
  toPublic: (v) => ({ cron: v.cron, cronMaxKeep: v.cronMaxKeep, s3: s3Section.toPublic(v.s3) }),
};
