/** Merging JSON lists into settings sections: lists of strings, checked item by item. */
import { fieldError, type ErrorData, type FieldError } from '../errors.js';

export const invalidValue = () => fieldError('validation_invalid_value', 'Invalid value.');

/**
 * `input` as a list of trimmed strings. When it is not an array, `fallback` and an error
 * under `key`; items that are not strings are reported under `key.index`.
 */
export function stringList(input: unknown, fallback: readonly string[], errors: ErrorData, key: string): string[] {
  if (!Array.isArray(input)) {
    errors[key] = invalidValue();
    return [...fallback];
  }
  const itemErrs: ErrorData = {};
  const out = input.map((v: unknown, i) => {
    if (typeof v === 'string') return v.trim();
    itemErrs[String(i)] = invalidValue();
    return '';
  });
  if (Object.keys(itemErrs).length) errors[key] = itemErrs;
  return out;
}

/** Field errors for the items of `list` that `check` refuses, keyed by index (data.superuserIPs.1). */
export function itemErrors(list: readonly string[], check: (item: string) => boolean, error: () => FieldError): ErrorData | null {
  const errors: ErrorData = {};
  list.forEach((item, i) => {
    if (!check(item)) errors[String(i)] = error();
  });
  return Object.keys(errors).length ? errors : null;
}
