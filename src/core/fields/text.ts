import randexpModule from 'randexp';
import { randomInt } from 'node:crypto';
import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { isNonNegativeInt, textColumn, toText } from './values.js';

const DEFAULT_MAX = 5000;
const patternCache = new Map<string, RegExp>();

export function compiledPattern(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patternCache.set(pattern, re);
  }
  return re;
}

interface Generator { max: number; randInt: (a: number, b: number) => number; gen(): string }
// randexp is CommonJS with an ES-style default export; take whichever Node hands us.
const RandExp = ((randexpModule as unknown as { default?: unknown }).default ?? randexpModule) as new (pattern: string) => Generator;
const generators = new Map<string, Generator>();

/** A random string matching a field's autogeneratePattern (crypto-strength choices). */
export function generateFromPattern(pattern: string): string {
  let gen = generators.get(pattern);
  if (!gen) {
    gen = new RandExp(pattern);
    gen.max = 0;
    gen.randInt = (a: number, b: number) => randomInt(a, b + 1);
    generators.set(pattern, gen);
  }
  return gen.gen();
}

export const textField: FieldType = {
  type: 'text',
  defaults: { autogeneratePattern: '', max: 0, min: 0, pattern: '', primaryKey: false, required: false },
  validateOptions(field, report) {
    if (!isNonNegativeInt(field.min)) report('min', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    if (!isNonNegativeInt(field.max)) report('max', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    else if (field.max > 0 && typeof field.min === 'number' && field.max < field.min)
      report('max', fieldError('validation_min_greater_equal_than_required', 'Must be greater or equal to min.'));
    for (const key of ['pattern', 'autogeneratePattern'] as const) {
      const value = field[key];
      if (typeof value !== 'string') { report(key, fieldError('validation_invalid_value', 'Must be a string.')); continue; }
      if (value === '') continue;
      try {
        if (key === 'pattern') compiledPattern(value);
        else generateFromPattern(value);
      } catch {
        report(key, fieldError('validation_invalid_regex', 'Invalid regular expression.'));
      }
    }
    if (field.primaryKey && field.name !== 'id')
      report('primaryKey', fieldError('validation_invalid_value', 'Only the id field can be a primary key.'));
  },
  column: (field, dialect) => (field.primaryKey ? (dialect === 'sqlite' ? 'TEXT PRIMARY KEY NOT NULL' : 'text COLLATE "C" PRIMARY KEY NOT NULL') : textColumn(dialect)),
  isMultiple: () => false,
  prepare: (raw) => toText(raw),
  validate(value, field) {
    const text = value as string;
    if (text === '') return field.required ? required() : undefined;
    const length = [...text].length;
    const min = field.min as number;
    const max = (field.max as number) || DEFAULT_MAX;
    if (min > 0 && length < min)
      return fieldError('validation_min_text_constraint', `Must be at least ${min} character(s).`, { min });
    if (length > max) return fieldError('validation_max_text_constraint', `Must be no more than ${max} character(s).`, { max });
    if (field.pattern && !compiledPattern(field.pattern as string).test(text))
      return fieldError('validation_invalid_format', 'Invalid value format.');
    return undefined;
  },
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
