import type { FieldType } from './field.js';
import { fieldError } from '../errors.js';
import { isNonNegativeInt, stringList } from './values.js';
import { asList, isMultiple, multiColumn, multiEmpty, multiFromDb, multiToDb, prepareMulti, validateCount } from './multi-value.js';

export const selectField: FieldType = {
  type: 'select',
  defaults: { maxSelect: 1, values: [], required: false },
  validateOptions(field, report) {
    const values = stringList(field.values);
    if (!values || values.length === 0) report('values', fieldError('validation_required', 'Cannot be blank.'));
    else if (new Set(values).size !== values.length) report('values', fieldError('validation_duplicated_values', 'Values must be unique.'));
    if (!isNonNegativeInt(field.maxSelect)) report('maxSelect', fieldError('validation_invalid_value', 'Must be a non-negative integer.'));
    else if (values && field.maxSelect > values.length)
      report('maxSelect', fieldError('validation_max_less_equal_than_required', `Must be no more than ${values.length}.`));
  },
  column: multiColumn,
  isMultiple,
  prepare: prepareMulti,
  validate(value, field) {
    const allowed = field.values as string[];
    for (const v of asList(value)) {
      if (!allowed.includes(v)) return fieldError('validation_invalid_value', `Invalid value ${v}.`, { value: v });
    }
    return validateCount(value, field);
  },
  toDb: multiToDb,
  fromDb: multiFromDb,
  empty: multiEmpty,
};
