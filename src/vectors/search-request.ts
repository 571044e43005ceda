/**
 * The body of `POST /api/collections/{c}/search` (docs/ai.md), checked before any
 * query runs: `{field, vector | text, k, filter, expand, fields, mode}`. `mode` is
 * "vector" (the default) or "hybrid", which needs a `text` (the full-text query, and
 * the vector query too unless a `vector` is also given). Problems are 400s with
 * PocketBase's field errors under the key that is wrong.
 */
import type { Collection, BoundField } from '../core/collections/collection.js';
import { badRequest, fieldError, type ErrorData } from '../core/errors.js';
import { parseVector } from './vector-values.js';

export const DEFAULT_K = 10;
export const MAX_K = 1000;
const MAX_FILTER_LENGTH = 3500;
const MAX_TEXT_LENGTH = 10_000;

export type SearchMode = 'vector' | 'hybrid';
const MODES: readonly SearchMode[] = ['vector', 'hybrid'];

export interface SearchRequest {
  field: BoundField;
  mode: SearchMode;
  /** The query vector, or undefined when `text` is to be embedded. */
  vector?: number[];
  /** The text to embed (when no vector), and in hybrid mode the full-text query. */
  text?: string;
  k: number;
  filter: string;
  expand: string;
  fields: string;
}

const optionalString = (body: Record<string, unknown>, key: string, errors: ErrorData, max = Infinity): string => {
  const v = body[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    errors[key] = fieldError('validation_invalid_value', 'Must be a string.');
    return '';
  }
  if (v.length > max) errors[key] = fieldError('validation_length_too_long', `Must be at most ${max} characters.`, { max });
  return v;
};

export function parseSearchRequest(collection: Collection, raw: unknown, isSuperuser: boolean): SearchRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('The request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  const errors: ErrorData = {};

  let field: BoundField | undefined;
  if (typeof body.field !== 'string' || body.field === '') errors.field = fieldError('validation_required', 'Cannot be blank.');
  else {
    field = collection.field(body.field);
    // A hidden field is not searchable by clients, as it is not filterable by them.
    if (!field || (field.model.hidden && !isSuperuser)) errors.field = fieldError('validation_invalid_field', `The collection has no vector field "${body.field}".`);
    else if (field.model.type !== 'vector') errors.field = fieldError('validation_invalid_field', `"${body.field}" is not a vector field.`);
  }

  let mode: SearchMode = 'vector';
  if (body.mode !== undefined && body.mode !== null) {
    if (!MODES.includes(body.mode as SearchMode)) errors.mode = fieldError('validation_invalid_value', `Must be one of ${MODES.join(', ')}.`);
    else mode = body.mode as SearchMode;
  }

  let vector: number[] | undefined;
  const text = optionalString(body, 'text', errors, MAX_TEXT_LENGTH);
  const hasVector = body.vector !== undefined && body.vector !== null;
  if (mode === 'hybrid' && text === '' && !errors.text) errors.text = fieldError('validation_required', 'A hybrid search needs a text (its full-text query).');
  else if (mode === 'vector' && hasVector && text !== '') errors.vector = fieldError('validation_invalid_value', 'Give either vector or text, not both.');
  else if (!hasVector && text === '' && !errors.text) errors.vector = fieldError('validation_required', 'Give a vector or a text to search for.');
  else if (hasVector && field && field.model.type === 'vector') {
    const parsed = Array.isArray(body.vector) ? parseVector(body.vector, field.model.dimensions as number) : { ok: false as const, message: 'Must be an array of numbers.' };
    if (parsed === null) errors.vector = fieldError('validation_required', 'Cannot be empty.');
    else if (!parsed.ok) errors.vector = fieldError('validation_invalid_vector', parsed.message);
    else vector = parsed.values;
  }

  let k = DEFAULT_K;
  if (body.k !== undefined && body.k !== null) {
    if (typeof body.k !== 'number' || !Number.isInteger(body.k) || body.k < 1 || body.k > MAX_K)
      errors.k = fieldError('validation_invalid_value', `Must be an integer from 1 to ${MAX_K}.`);
    else k = body.k;
  }
  const filter = optionalString(body, 'filter', errors, MAX_FILTER_LENGTH);
  const expand = optionalString(body, 'expand', errors);
  const fields = optionalString(body, 'fields', errors);

  if (Object.keys(errors).length > 0 || !field) throw badRequest('Invalid search request.', errors);
  return { field, mode, ...(vector ? { vector } : {}), ...(text !== '' ? { text } : {}), k, filter, expand, fields };
}
