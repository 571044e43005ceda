import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { isNonNegativeInt, textColumn, toText } from './values.js';

const DEFAULT_MAX_SIZE = 5 * 1024 * 1024;

export const editorField: FieldType = {
  type: 'editor',
  defaults: { convertURLs: false, maxSize: 0, required: false },
  validateOptions(field, report) {
    if (!isNonNegativeInt(field.maxSize)) report('maxSize', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    if (typeof field.convertURLs !== 'boolean') report('convertURLs', fieldError('validation_invalid_value', 'Must be a boolean.'));
  },
  column: (_f, dialect) => textColumn(dialect),
  isMultiple: () => false,
  prepare: (raw) => toText(raw),
  validate(value, field) {
    const html = value as string;
    if (html === '') return field.required ? required() : undefined;
    const max = (field.maxSize as number) || DEFAULT_MAX_SIZE;
    if (Buffer.byteLength(html) > max)
      return fieldError('validation_content_size_limit', `The maximum allowed content size is ${max} bytes.`, { maxSize: max });
    return undefined;
  },
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
