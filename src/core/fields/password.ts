import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { compiledPattern } from './text.js';
import { isNonNegativeInt, textColumn, toText } from './values.js';

/** Longest accepted plain password, in bytes (PocketBase's bcrypt limit, kept for compatibility). */
export const PASSWORD_MAX_BYTES = 71;

/**
 * The stored value is an argon2id hash; the records layer hashes the validated plain
 * text before it is written and never serialises this field.
 */
export const passwordField: FieldType = {
  type: 'password',
  defaults: { cost: 0, max: 0, min: 0, pattern: '', required: false },
  validateOptions(field, report) {
    for (const key of ['cost', 'min', 'max'] as const)
      if (!isNonNegativeInt(field[key])) report(key, fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    if (typeof field.max === 'number' && field.max > PASSWORD_MAX_BYTES)
      report('max', fieldError('validation_max_less_equal_than_required', `Must be no more than ${PASSWORD_MAX_BYTES}.`));
    if (typeof field.pattern === 'string' && field.pattern !== '') {
      try { compiledPattern(field.pattern); } catch { report('pattern', fieldError('validation_invalid_regex', 'Invalid regular expression.')); }
    }
  },
  column: (_f, dialect) => textColumn(dialect),
  isMultiple: () => false,
  prepare: (raw) => toText(raw),
  validate(value, field) {
    const plain = value as string;
    if (plain === '') return field.required ? required() : undefined;
    const min = field.min as number;
    const max = (field.max as number) || PASSWORD_MAX_BYTES;
    if (min > 0 && [...plain].length < min)
      return fieldError('validation_min_text_constraint', `Must be at least ${min} character(s).`, { min });
    if (Buffer.byteLength(plain) > max)
      return fieldError('validation_max_text_constraint', `Must be no more than ${max} bytes.`, { max });
    if (field.pattern && !compiledPattern(field.pattern as string).test(plain))
      return fieldError('validation_invalid_format', 'Invalid value format.');
    return undefined;
  },
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
