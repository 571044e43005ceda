import { isURL } from '../text-checks.js';
import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { checkDomain, domainDefaults, validateDomainOptions } from './domain-options.js';
import { textColumn, toText } from './values.js';

export const urlField: FieldType = {
  type: 'url',
  defaults: domainDefaults,
  validateOptions: validateDomainOptions,
  column: (_f, dialect) => textColumn(dialect),
  isMultiple: () => false,
  prepare: (raw) => toText(raw).trim(),
  validate(value, field) {
    const url = value as string;
    if (url === '') return field.required ? required() : undefined;
    if (url.length > 2048 || !isURL(url, { require_tld: false })) return fieldError('validation_invalid_url', 'Must be a valid url.');
    let host: string;
    try {
      host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`).hostname;
    } catch {
      return fieldError('validation_invalid_url', 'Must be a valid url.');
    }
    return checkDomain(host, field, 'validation_url_domain_not_allowed');
  },
  toDb: (value) => value,
  fromDb: (raw) => (raw === null || raw === undefined ? '' : String(raw)),
  empty: () => '',
};
