/**
 * multipart/form-data bodies, streamed through busboy: plain fields go into a
 * FormBody (type inference, @jsonPayload), file parts are read with a size limit.
 * File contents are not kept yet; file storage is its own module.
 */
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../core/errors.js';
import { FormBody } from './form-values.js';

export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
}

export interface MultipartLimits {
  /** Bytes per file and per field value. */
  partSize: number;
  parts: number;
  /** Bytes of the whole body. */
  total: number;
}

export function readMultipart(req: IncomingMessage, limits: MultipartLimits): Promise<{ data: Record<string, unknown>; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limits.partSize, fieldSize: limits.partSize, parts: limits.parts } });
    } catch {
      reject(new ApiError(400, 'Failed to read the multipart request body: missing or invalid boundary.'));
      return;
    }
    const form = new FormBody();
    const files: UploadedFile[] = [];
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
      const file = { field: name, filename: info.filename ?? '', size: 0 };
      stream.on('data', (chunk: Buffer) => { file.size += chunk.length; });
      stream.on('limit', () => fail(new ApiError(413)));
      stream.on('end', () => files.push(file));
    });
    parser.on('partsLimit', () => fail(new ApiError(413)));
    parser.on('error', () => fail(new ApiError(400, 'Failed to read the multipart request body.')));
    parser.on('close', () => { if (!failed) resolve({ data: form.toObject(), files }); });
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.total) fail(new ApiError(413));
    });
    req.on('error', () => fail(new ApiError(400, 'Failed to read the multipart request body.')));
    req.pipe(parser);
  });
}
