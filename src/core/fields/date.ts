import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { InvalidValue } from './invalid-value.js';
import { parseDateTime } from './datetime.js';
import { textColumn } from './values.js';

export const dateField: FieldType = {
  type: 'date',
  defaults: { max: '', min: '', required: false },
  validateOptions(field, report) {
    for (const key of ['min', 'max'] as const) {
      const v = field[key] ?? '';
      if (v === '') { field[key] = ''; continue; }
      const parsed = parseDateTime(v);
      if (parsed === undefined) report(key, fieldError('validation_invalid_date', 'Must be a valid datetime.'));
      else field[key] = parsed;
    }
    if (field.min && field.max && (field.max as string) < (field.min as string))
      report('max', fieldError('validation_min_greater_equal_than_required', 'Must be after min.'));
  },
  column: (_f, dialect) => textColumn(dialect),
  isMultiple: () => false,
  prepare(raw) {
    if (raw === null || raw === undefined || raw === '') return '';
    return parseDateTime(raw) ?? new InvalidValue(raw, 'validation_invalid_date', 'Must be a valid datetime.');
  },
  validate(value, field) {
    if (value instanceof InvalidValue) return fieldError(value.code, value.message);
    const date = value as string;
    if (date === '') return field.required ? required() : undefined;
    // PocketBase reports date bounds with the generic comparison codes, not date-specific ones.
    if (field.min && date < (field.min as string))
      return fieldError('validation_min_greater_equal_than_required', `Must be no less than ${field.min}.`, { threshold: field.min });
    if (field.max && date > (field.max as string))
      return fieldError('validation_max_less_equal_than_required', `Must be no greater than ${field.max}.`, { threshold: field.max });
    return undefined;
  },
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
