import type { FieldModel, FieldType } from './field.js';
import { fieldError } from '../errors.js';
import { isNonNegativeInt, stringList } from './values.js';
import { asList, isMultiple, multiColumn, multiEmpty, multiFromDb, multiToDb, prepareMulti, validateCount } from './multi-value.js';

const THUMB = /^(\d+)x(\d+)(t|b|f)?$/;

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** A file field's size limit in bytes (`maxSize` 0 means the 5 MiB default). */
export const maxFileSize = (field: FieldModel) => (Number(field.maxSize) > 0 ? Number(field.maxSize) : DEFAULT_MAX_FILE_SIZE);

/**
 * File values are stored file names. Which names a write may keep is checked by the
 * records layer against the record's current files and this request's uploads
 * (files/record-file-write.ts); too many files is PocketBase's `validation_too_many_files`.
 */
export const fileField: FieldType = {
  type: 'file',
  defaults: { maxSelect: 1, maxSize: 0, mimeTypes: [], protected: false, required: false, thumbs: [] },
  validateOptions(field, report) {
    if (!isNonNegativeInt(field.maxSelect)) report('maxSelect', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    if (!isNonNegativeInt(field.maxSize)) report('maxSize', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    field.mimeTypes ??= [];
    field.thumbs ??= [];
    if (stringList(field.mimeTypes) === null) report('mimeTypes', fieldError('validation_invalid_value', 'Must be a list of MIME types.'));
    const thumbs = stringList(field.thumbs);
    if (thumbs === null) report('thumbs', fieldError('validation_invalid_value', 'Must be a list of sizes.'));
    else {
      const bad = thumbs.find((t) => { const m = THUMB.exec(t); return !m || (m[1] === '0' && m[2] === '0'); });
      if (bad !== undefined) report('thumbs', fieldError('validation_invalid_thumb_format', `Invalid thumb size format "${bad}".`));
    }
    if (typeof field.protected !== 'boolean') report('protected', fieldError('validation_invalid_value', 'Must be a boolean.'));
  },
  column: multiColumn,
  isMultiple,
  prepare: prepareMulti,
  validate(value, field) {
    const max = Math.max(1, Number(field.maxSelect) || 1);
    if (asList(value).length > max)
      return fieldError('validation_too_many_files', `The maximum allowed files is ${max}`, { maxSelect: max });
    return validateCount(value, field);
  },
  toDb: multiToDb,
  fromDb: multiFromDb,
  empty: multiEmpty,
};
