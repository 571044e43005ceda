/**
 * The body of `POST /api/collections/{c}/ask` (docs/ai.md, "Answers"), checked
 * before any work: `{question, field?, k?, filter?, stream?}`. Problems are 400s with
 * PocketBase's field errors under the key that is wrong.
 */
import type { Collection } from '../core/collections/collection.js';
import { badRequest, fieldError, type ErrorData } from '../core/errors.js';
import { vectorSources, type VectorSource } from '../vectors/embedding-sources.js';

export const DEFAULT_ASK_K = 8;
export const MAX_ASK_K = 50;
const MAX_FILTER_LENGTH = 3500;

export interface AskRequest {
  question: string;
  /** The vector field and the text field it is computed from. */
  source: VectorSource;
  k: number;
  filter: string;
  stream: boolean;
}

export function parseAskRequest(collection: Collection, raw: unknown, isSuperuser: boolean, maxQuestionLength: number): AskRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('The request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  const errors: ErrorData = {};

  const question = typeof body.question === 'string' ? body.question.trim() : '';
  if (body.question !== undefined && body.question !== null && typeof body.question !== 'string') errors.question = fieldError('validation_invalid_value', 'Must be a string.');
  else if (question === '') errors.question = fieldError('validation_required', 'Cannot be blank.');
  else if (question.length > maxQuestionLength)
    errors.question = fieldError('validation_length_too_long', `Must be at most ${maxQuestionLength} characters.`, { max: maxQuestionLength });

  // Hidden fields are not the caller's to read: neither the vector nor its text may be used.
  const usable = vectorSources(collection.model).filter((s) => isSuperuser || (!s.vector.hidden && !s.source.hidden));
  let source: VectorSource | undefined;
  if (body.field === undefined || body.field === null || body.field === '') {
    if (usable.length === 1) source = usable[0];
    else if (usable.length === 0) errors.field = fieldError('validation_invalid_field', 'The collection has no vector field with an embedder and a source text field to answer from.');
    else errors.field = fieldError('validation_required', `Name the vector field to answer from (${usable.map((s) => s.vector.name).join(', ')}).`);
  } else if (typeof body.field !== 'string') errors.field = fieldError('validation_invalid_value', 'Must be a string.');
  else {
    source = usable.find((s) => s.vector.name === body.field);
    if (!source) errors.field = fieldError('validation_invalid_field', `"${body.field}" is not a vector field with an embedder and a source text field.`);
  }

  let k = DEFAULT_ASK_K;
  if (body.k !== undefined && body.k !== null) {
    if (typeof body.k !== 'number' || !Number.isInteger(body.k) || body.k < 1 || body.k > MAX_ASK_K)
      errors.k = fieldError('validation_invalid_value', `Must be an integer from 1 to ${MAX_ASK_K}.`);
    else k = body.k;
  }

  let filter = '';
  if (body.filter !== undefined && body.filter !== null) {
    if (typeof body.filter !== 'string') errors.filter = fieldError('validation_invalid_value', 'Must be a string.');
    else if (body.filter.length > MAX_FILTER_LENGTH) errors.filter = fieldError('validation_length_too_long', `Must be at most ${MAX_FILTER_LENGTH} characters.`, { max: MAX_FILTER_LENGTH });
    else filter = body.filter;
  }

  let stream = false;
  if (body.stream !== undefined && body.stream !== null) {
    if (typeof body.stream !== 'boolean') errors.stream = fieldError('validation_invalid_value', 'Must be a boolean.');
    else stream = body.stream;
  }

  if (Object.keys(errors).length > 0 || !source) throw badRequest('Invalid ask request.', errors);
  return { question, source, k, filter, stream };
}
