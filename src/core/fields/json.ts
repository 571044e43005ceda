import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { isNonNegativeInt } from './values.js';

const DEFAULT_MAX_SIZE = 1024 * 1024;

function isEmptyJson(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

export const jsonField: FieldType = {
  type: 'json',
  defaults: { maxSize: 0, required: false },
  validateOptions(field, report) {
    if (!isNonNegativeInt(field.maxSize)) report('maxSize', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
  },
  column: (_f, dialect) => (dialect === 'sqlite' ? 'JSON DEFAULT NULL' : 'jsonb DEFAULT NULL'),
  isMultiple: () => false,
  // A string that is valid JSON is stored as that JSON; any other string as a JSON string.
  prepare(raw) {
    if (raw === undefined) return null;
    if (typeof raw === 'string') {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    }
    return raw;
  },
  validate(value, field) {
    if (isEmptyJson(value)) return field.required ? required() : undefined;
    const max = (field.maxSize as number) || DEFAULT_MAX_SIZE;
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch {
      // nested deeper than the engine can serialise
      return fieldError('validation_invalid_json', 'Must be a valid json value.');
    }
    if (Buffer.byteLength(json) > max)
      return fieldError('validation_json_size_limit', `The maximum allowed JSON size is ${max} bytes.`, { maxSize: max });
    return undefined;
  },
  toDb: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  fromDb(raw) {
    if (raw === null || raw === undefined) return null;
    if (typeof raw !== 'string') return raw; // jsonb arrives parsed
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  },
  empty: () => null,
};
