/**
 * What select, relation and file fields share: a single value (text) when
 * maxSelect <= 1, otherwise a JSON array of unique strings.
 */
import type { FieldModel } from './field.js';
import type { DialectName } from '../../store/dialect.js';
import { fieldError, required, type FieldError } from '../errors.js';
import { jsonListColumn, lastOf, listFromDb, listToDb, textColumn, toTextList } from './values.js';

export const isMultiple = (field: FieldModel) => ((field.maxSelect as number) ?? 1) > 1;

export const multiColumn = (field: FieldModel, dialect: DialectName) =>
  isMultiple(field) ? jsonListColumn(dialect) : textColumn(dialect);

export function prepareMulti(raw: unknown, field: FieldModel): string | string[] {
  const list = toTextList(raw);
  return isMultiple(field) ? list : lastOf(list);
}

/** The value as a list, whatever the field's cardinality. */
export const asList = (value: unknown): string[] =>
  Array.isArray(value) ? (value as string[]) : value === '' || value === null || value === undefined ? [] : [String(value)];

export function validateCount(value: unknown, field: FieldModel): FieldError | undefined {
  const list = asList(value);
  if (list.length === 0) return field.required ? required() : undefined;
  const max = (field.maxSelect as number) || 1;
  if (list.length > max)
    return fieldError('validation_too_many_values', `Select no more than ${max}.`, { maxSelect: max });
  const min = (field.minSelect as number | undefined) ?? 0;
  if (min > 0 && list.length < min)
    return fieldError('validation_not_enough_values', `Select at least ${min}.`, { minSelect: min });
  return undefined;
}

export const multiToDb = (value: unknown, field: FieldModel, dialect: DialectName) =>
  isMultiple(field) ? listToDb(value, dialect) : value;

export function multiFromDb(raw: unknown, field: FieldModel): string | string[] {
  if (isMultiple(field)) return listFromDb(raw);
  return raw === null || raw === undefined ? '' : String(raw);
}

export const multiEmpty = (field: FieldModel) => (isMultiple(field) ? [] : '');
