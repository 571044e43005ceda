/**
 * A settings section (`meta`, `smtp`, later `batch`, `rateLimits`, ...): its defaults,
 * how a PATCH merges into it, its validation, and its public form (secrets removed).
 * A new section is one new module listed in settings.ts.
 */
import { fieldError, type ErrorData, type FieldError } from '../errors.js';

export type FlatValues = Record<string, string | number | boolean>;

export interface SettingsSection<T extends object> {
  readonly name: string;
  /** The JSON type of the section's value: an object (the default) or an array (`superuserIPs`). */
  readonly shape?: 'object' | 'array';
  defaults(): T;
  /** The stored or current value with `input` merged in; type errors go to `errors` (keyed by property). */
  merge(current: T, input: unknown, errors: ErrorData): T;
  /** Field errors of a complete value, keyed by property; empty when valid. */
  validate(value: T): ErrorData;
  /** What GET/PATCH responses show. */
  toPublic(value: T): unknown;
}

/**
 * Merges a JSON object into a section of primitive values: known keys only, each of
 * the same JSON type as its default; unknown keys are ignored, as PocketBase does.
 */
export function mergeFlat<T extends FlatValues>(defaults: T, current: T, input: unknown, errors: ErrorData): T {
  const merged = { ...defaults, ...pick(defaults, current) } as T;
  if (!isPlainObject(input)) return merged; // settings.ts reports a section that is not an object
  for (const [key, value] of Object.entries(input)) {
    if (!(key in defaults)) continue;
    if (typeof value !== typeof defaults[key]) {
      errors[key] = fieldError('validation_invalid_value', 'Invalid value.');
      continue;
    }
    (merged as FlatValues)[key] = typeof value === 'string' ? value.trim() : (value as number | boolean);
  }
  return merged;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The known keys of a stored value whose types still match the defaults. */
function pick<T extends FlatValues>(defaults: T, stored: unknown): Partial<T> {
  const out: FlatValues = {};
  if (typeof stored !== 'object' || stored === null) return out as Partial<T>;
  for (const [key, value] of Object.entries(stored)) {
    if (key in defaults && typeof value === typeof defaults[key]) out[key] = value as string | number | boolean;
  }
  return out as Partial<T>;
}

export const lengthError = () => fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');

/** An endpoint's base URL: http(s) without credentials in it (the key has a field of its own). */
export function endpointUrlError(value: string, keyField: string): FieldError | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url && ['http:', 'https:'].includes(url.protocol) && !url.username && !url.password) return undefined;
  return fieldError('validation_invalid_url', `Must be an http(s) URL without credentials (put the key in ${keyField}).`);
}

/** Whether v is an integer from min to max. */
export const intIn = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
