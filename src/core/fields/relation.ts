import type { FieldType } from './field.js';
import { fieldError } from '../errors.js';
import { isNonNegativeInt } from './values.js';
import { isMultiple, multiColumn, multiEmpty, multiFromDb, multiToDb, prepareMulti, validateCount } from './multi-value.js';

/** Ids are checked against the related collection by the records layer (it needs the database). */
export const relationField: FieldType = {
  type: 'relation',
  defaults: { cascadeDelete: false, collectionId: '', maxSelect: 1, minSelect: 0, required: false },
  validateOptions(field, report) {
    if (typeof field.collectionId !== 'string' || field.collectionId === '')
      report('collectionId', fieldError('validation_required', 'Cannot be blank.'));
    if (typeof field.cascadeDelete !== 'boolean') report('cascadeDelete', fieldError('validation_invalid_value', 'Must be a boolean.'));
    if (!isNonNegativeInt(field.maxSelect)) report('maxSelect', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    if (!isNonNegativeInt(field.minSelect)) report('minSelect', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    else if (field.minSelect > Math.max(1, field.maxSelect as number))
      report('minSelect', fieldError('validation_max_less_equal_than_required', 'Must be no more than maxSelect.'));
  },
  column: multiColumn,
  isMultiple,
  prepare: prepareMulti,
  validate: validateCount,
  toDb: multiToDb,
  fromDb: multiFromDb,
  empty: multiEmpty,
};
