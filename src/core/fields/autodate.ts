import type { FieldType } from './field.js';
import { fieldError } from '../errors.js';
import { textColumn } from './values.js';

/** Set by the server on create and/or update; client input is ignored (see records/write.ts). */
export const autodateField: FieldType = {
  type: 'autodate',
  defaults: { onCreate: true, onUpdate: false },
  validateOptions(field, report) {
    if (typeof field.onCreate !== 'boolean') report('onCreate', fieldError('validation_invalid_value', 'Must be a boolean.'));
    if (typeof field.onUpdate !== 'boolean') report('onUpdate', fieldError('validation_invalid_value', 'Must be a boolean.'));
    if (!field.onCreate && !field.onUpdate)
      report('onCreate', fieldError('validation_required', 'Either onCreate or onUpdate must be enabled.'));
  },
  column: (_f, dialect) => textColumn(dialect),
  isMultiple: () => false,
  prepare: (raw) => (typeof raw === 'string' ? raw : ''),
  validate: () => undefined,
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
