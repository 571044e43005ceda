import { isEmail } from '../text-checks.js';
import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { checkDomain, domainDefaults, validateDomainOptions } from './domain-options.js';
import { textColumn, toText } from './values.js';

export const emailField: FieldType = {
  type: 'email',
  defaults: domainDefaults,
  validateOptions: validateDomainOptions,
  column: (_f, dialect) => textColumn(dialect),
  isMultiple: () => false,
  prepare: (raw) => toText(raw).trim(),
  validate(value, field) {
    const email = value as string;
    if (email === '') return field.required ? required() : undefined;
    if (email.length > 255 || !isEmail(email)) return fieldError('validation_is_email', 'Must be a valid email address.');
    return checkDomain(email.slice(email.lastIndexOf('@') + 1), field, 'validation_email_domain_not_allowed');
  },
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
