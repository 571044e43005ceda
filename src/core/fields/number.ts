import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';


function castNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s === '') return 0;
    const n = Number(s);
    return Number.isNaN(n) && !/^nan$/i.test(s) ? 0 : n;
  }
  return 0;
}

const optionalNumber = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v));

export const numberField: FieldType = {
  type: 'number',
  defaults: { max: null, min: null, onlyInt: false, required: false },
  validateOptions(field, report) {
    for (const key of ['min', 'max'] as const) {
      if (!optionalNumber(field[key])) report(key, fieldError('validation_invalid_value', 'Must be a number or null.'));
      else field[key] ??= null;
    }
    if (typeof field.min === 'number' && typeof field.max === 'number' && field.max < field.min)
      report('max', fieldError('validation_min_greater_equal_than_required', 'Must be greater or equal to min.'));
  },
  column: (_f, dialect) => (dialect === 'sqlite' ? 'NUMERIC DEFAULT 0 NOT NULL' : 'double precision DEFAULT 0 NOT NULL'),
  isMultiple: () => false,
  prepare: castNumber,
  validate(value, field) {
    const n = value as number;
    if (!Number.isFinite(n)) return fieldError('validation_not_a_number', 'The submitted number is not properly formatted.');
    if (n === 0) return field.required ? required() : undefined;
    if (field.onlyInt && !Number.isInteger(n)) return fieldError('validation_only_int_constraint', 'Decimal numbers are not allowed.');
    if (typeof field.min === 'number' && n < field.min)
      return fieldError('validation_min_number_constraint', `Must be larger than ${field.min}.`, { min: field.min });
    if (typeof field.max === 'number' && n > field.max)
      return fieldError('validation_max_number_constraint', `Must be less than ${field.max}.`, { max: field.max });
    return undefined;
  },
  toDb: (value) => value,
  fromDb: (raw) => (typeof raw === 'number' ? raw : raw === null || raw === undefined ? 0 : Number(raw) || 0),
  empty: () => 0,
};

