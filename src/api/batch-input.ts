/**
 * The body of `POST /api/batch` (API spec 8.1): `{requests: [{method, url, headers,
 * body}]}` as JSON, or as multipart with the JSON under `@jsonPayload` and the files of
 * request N under `requests.N.<field>` or `requests[N].<field>`. Form-level problems
 * are a 400 "Invalid batch request data." with field errors.
 */
import { ApiError, fieldError, required, type ErrorData } from '../core/errors.js';
import type { UploadedFile } from '../server/multipart.js';

export type BatchMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BatchItem {
  method: BatchMethod;
  /** Path and query, e.g. `/api/collections/posts/records?expand=author`. */
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  files: UploadedFile[];
}

const METHODS = new Set<string>(['POST', 'PUT', 'PATCH', 'DELETE']);
const FILE_KEY = /^requests(?:\.(\d+)\.|\[(\d+)\]\.?)(.+)$/;
const INVALID = 'Invalid batch request data.';

export function readBatchInput(data: Record<string, unknown>, files: UploadedFile[], maxRequests: number): BatchItem[] {
  const requests = data.requests;
  if (!Array.isArray(requests)) throw new ApiError(400, INVALID, { requests: required() });
  if (requests.length === 0) throw new ApiError(400, INVALID, { requests: required() });
  if (requests.length > maxRequests)
    throw new ApiError(400, INVALID, { requests: fieldError('validation_length_too_long', `The length must be no more than ${maxRequests}.`, { max: maxRequests }) });

  const errors: ErrorData = {};
  const items = requests.map((raw, i): BatchItem => {
    const item = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const itemErrors: ErrorData = {};
    const method = typeof item.method === 'string' ? item.method.toUpperCase() : '';
    if (method === '') itemErrors.method = required();
    else if (!METHODS.has(method)) itemErrors.method = fieldError('validation_in_invalid', 'Must be one of POST, PUT, PATCH or DELETE.');
    const url = typeof item.url === 'string' ? item.url : '';
    if (url === '') itemErrors.url = required();
    else if (url.length > 2000) itemErrors.url = fieldError('validation_length_too_long', 'The length must be no more than 2000.');
    const body = item.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) itemErrors.body = fieldError('validation_invalid_value', 'Must be an object.');
    if (Object.keys(itemErrors).length) errors[String(i)] = itemErrors;
    return { method: method as BatchMethod, url, headers: stringHeaders(item.headers), body: body as Record<string, unknown>, files: [] };
  });
  if (Object.keys(errors).length) throw new ApiError(400, INVALID, { requests: errors });

  for (const file of files) {
    const m = FILE_KEY.exec(file.field);
    const item = m ? items[Number(m[1] ?? m[2])] : undefined;
    // Parts under any other name are ignored, as file parts outside file fields are.
    if (item) item.files.push({ ...file, field: m![3]! });
  }
  return items;
}

function stringHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}
