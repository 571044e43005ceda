/**
 * Request body parsing for every route (API spec 1.2): JSON objects, urlencoded and
 * multipart forms with type inference; an empty body is `{}`; any other content type
 * with a body is a 400; malformed JSON is a 400; over the limit is a 413.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import { FormBody } from './form-values.js';
import { readMultipart, type UploadedFile } from './multipart.js';

export const BODY_LIMIT = 32 * 1024 * 1024;

export interface ParsedBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
  /** Removes uploaded files' temporary copies (only needed with keepFiles). */
  dispose(): Promise<void>;
}

export interface ReadBodyOptions {
  /** Keep uploaded files (in temporary files) and allow a body of up to this many bytes. */
  keepFiles?: { total: number };
}

const nothingToDispose = () => Promise.resolve();

function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'Failed to read the request body: malformed JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ApiError(400, 'Failed to read the request body: expected a JSON object.');
  return value as Record<string, unknown>;
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, parseJsonObject(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const form = new FormBody();
    try {
      for (const [k, v] of new URLSearchParams(body as string)) form.add(k, v);
      done(null, form.toObject());
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Multipart bodies are left unread here and streamed by readBody() in the handler.
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, MULTIPART));
  // Anything else: fine when empty, a 400 otherwise.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    if ((body as Buffer).length === 0) done(null, {});
    else done(new ApiError(400, 'Unsupported request content type; send JSON, multipart/form-data or urlencoded form data.'), undefined);
  });
}

const MULTIPART = Symbol('multipart');

/** The body of a request as an object (multipart read here), with any uploaded files. */
export async function readBody(request: FastifyRequest, options: ReadBodyOptions = {}): Promise<ParsedBody> {
  if (request.body === MULTIPART) {
    const keep = options.keepFiles;
    return readMultipart(request.raw, { partSize: BODY_LIMIT, parts: 10_000, total: keep ? keep.total : BODY_LIMIT, keepFiles: keep !== undefined });
  }
  const data = request.body;
  return { data: (data && typeof data === 'object' ? data : {}) as Record<string, unknown>, files: [], dispose: nothingToDispose };
}
