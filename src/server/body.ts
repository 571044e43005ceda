/**
 * Request body parsing for every route (API spec 1.2): JSON objects, urlencoded and
 * multipart forms with type inference; an empty body is `{}`; any other content type
 * with a body is a 400; malformed JSON is a 400; over the limit is a 413.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { ApiError } from '../core/errors.js';
import { FormBody } from './form-values.js';

export const BODY_LIMIT = 32 * 1024 * 1024;

export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
}

export interface ParsedBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
}

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

export async function registerBodyParsers(app: FastifyInstance): Promise<void> {
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
  // Multipart bodies are read by readBody() in the handler (streamed by @fastify/multipart).
  await app.register(multipart, { limits: { fileSize: BODY_LIMIT, fieldSize: BODY_LIMIT, parts: 10_000 } });
  // Anything else: fine when empty, a 400 otherwise.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    if ((body as Buffer).length === 0) done(null, {});
    else done(new ApiError(400, 'Unsupported request content type; send JSON, multipart/form-data or urlencoded form data.'), undefined);
  });
}

/** The body of a request as an object (multipart read here), with any uploaded files. */
export async function readBody(request: FastifyRequest): Promise<ParsedBody> {
  if (!request.isMultipart()) {
    const data = request.body;
    return { data: (data && typeof data === 'object' ? data : {}) as Record<string, unknown>, files: [] };
  }
  const form = new FormBody();
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // File storage comes with its own module; count the bytes, keep nothing yet.
        let size = 0;
        for await (const chunk of part.file) size += (chunk as Buffer).length;
        if (part.file.truncated) throw new ApiError(413);
        files.push({ field: part.fieldname, filename: part.filename, size });
      } else {
        form.add(part.fieldname, String(part.value ?? ''));
      }
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const e = err as { statusCode?: number; code?: string };
    if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_FILES_LIMIT' || e.code === 'FST_PARTS_LIMIT') throw new ApiError(413);
    throw new ApiError(400, 'Failed to read the multipart request body.');
  }
  return { data: form.toObject(), files };
}
