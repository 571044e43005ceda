/** exceptDomains / onlyDomains, shared by the email and url fields. */
import type { FieldModel, OptionErrorSink } from './field.js';
import { fieldError, type FieldError } from '../errors.js';
import { stringList } from './values.js';

export const domainDefaults = { exceptDomains: null, onlyDomains: null, required: false };

export function validateDomainOptions(field: FieldModel, report: OptionErrorSink): void {
  for (const key of ['exceptDomains', 'onlyDomains'] as const) {
    const list = field[key];
    if (list !== null && list !== undefined && stringList(list) === null)
      report(key, fieldError('validation_invalid_value', 'Must be a list of domains.'));
    field[key] ??= null;
  }
  if ((field.exceptDomains as string[] | null)?.length && (field.onlyDomains as string[] | null)?.length)
    report('onlyDomains', fieldError('validation_not_allowed', 'Cannot use both exceptDomains and onlyDomains.'));
}

export function checkDomain(domain: string, field: FieldModel, code: string): FieldError | undefined {
  const d = domain.toLowerCase();
  const only = (field.onlyDomains as string[] | null) ?? [];
  const except = (field.exceptDomains as string[] | null) ?? [];
  if (only.length && !only.some((x) => x.toLowerCase() === d)) return fieldError(code, 'Domain is not allowed.');
  if (except.some((x) => x.toLowerCase() === d)) return fieldError(code, 'Domain is not allowed.');
  return undefined;
}
