/**
 * multipart/form-data bodies, streamed through busboy: plain fields go into a
 * FormBody (type inference, @jsonPayload). File parts are either drained (routes that
 * take no files) or, when `keepFiles` is set, streamed to temporary files under one
 * fresh directory that the caller removes with dispose() once the request is done.
 */
import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../core/errors.js';
import { FormBody } from './form-values.js';

export interface UploadedFile {
  field: string;
  filename: string;
  /** The content type the client declared for the part. */
  mimeType: string;
  size: number;
  /** The temporary file holding the contents (only when files are kept). */
  path?: string;
}

export interface MultipartLimits {
  /** Bytes per field value. */
  partSize: number;
  parts: number;
  /** Bytes of the whole body. */
  total: number;
  /** Keep file contents in temporary files (otherwise they are read and dropped). */
  keepFiles?: boolean;
}

export interface MultipartBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
  /** Removes the temporary files (safe to call more than once). */
  dispose(): Promise<void>;
}

export async function readMultipart(req: IncomingMessage, limits: MultipartLimits): Promise<MultipartBody> {
  const dir = limits.keepFiles ? await mkdtemp(join(tmpdir(), 'galley-upload-')) : undefined;
  const dispose = async () => { if (dir) await rm(dir, { recursive: true, force: true }); };
  try {
    const { data, files } = await parse(req, limits, dir);
    return { data, files, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

function parse(req: IncomingMessage, limits: MultipartLimits, dir: string | undefined): Promise<{ data: Record<string, unknown>; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: dir ? limits.total : limits.partSize, fieldSize: limits.partSize, parts: limits.parts },
      });
    } catch {
      reject(new ApiError(400, 'Failed to read the multipart request body: missing or invalid boundary.'));
      return;
    }
    const form = new FormBody();
    const files: UploadedFile[] = [];
    const writes: Promise<void>[] = [];
    let failed: ApiError | undefined;
    // The first problem ends the parse; the rest of the body is drained, not kept.
    const fail = (err: ApiError) => {
      if (failed) return;
      failed = err;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new ApiError(413));
      else if (!failed) {
        try {
          form.add(name, value);
        } catch (err) {
          fail(err as ApiError);
        }
      }
    });
    parser.on('file', (name, stream, info) => {
      const file: UploadedFile = { field: name, filename: info.filename ?? '', mimeType: info.mimeType || '', size: 0 };
      files.push(file);
      stream.on('data', (chunk: Buffer) => { file.size += chunk.length; });
      stream.on('limit', () => fail(new ApiError(413)));
      if (!dir || failed) {
        stream.resume();
        return;
      }
      file.path = join(dir, String(files.length));
      writes.push(pipeline(stream, createWriteStream(file.path)).catch(() => fail(new ApiError(400, 'Failed to read the multipart request body.'))));
    });
    parser.on('partsLimit', () => fail(new ApiError(413)));
    parser.on('error', () => fail(new ApiError(400, 'Failed to read the multipart request body.')));
    // Resolved only once every kept file is fully on disk.
    parser.on('close', () => {
      void Promise.all(writes).then(() => { if (!failed) resolve({ data: form.toObject(), files }); });
    });
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.total) fail(new ApiError(413));
    });
    req.on('error', () => fail(new ApiError(400, 'Failed to read the multipart request body.')));
    req.pipe(parser);
  });
}
