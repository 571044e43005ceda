/**
 * Create/update bodies with files (API spec 2.4, 2.5, 7.1): for a collection with file
 * fields the multipart uploads are kept (in temporary files, removed when the request
 * ends), named and checked, put into storage inside the write, deleted again when the
 * write fails, and the files the record no longer references are deleted after the
 * commit. The body limit grows by Σ(maxSize × maxSelect) of the file fields, as in PocketBase.
 */
import type { FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import type { Collection } from '../core/collections/collection.js';
import type { RecordFileHooks } from '../core/records/file-hooks.js';
import type { Row } from '../store/store.js';
import { BODY_LIMIT, readBody, type ParsedBody } from '../server/body.js';
import type { UploadedFile } from '../server/multipart.js';
import { RecordFileWrite, maxFileSize } from '../files/record-file-write.js';

type Values = Record<string, unknown>;

export async function writeWithFiles(
  core: GalleyCore, request: FastifyRequest, collection: Collection, write: (body: Values, files?: RecordFileHooks) => Promise<Row>,
): Promise<Row> {
  if (!collection.fields.some((f) => f.model.type === 'file')) return write((await readBody(request)).data);
  const parsed = await readRecordBody(request, collection);
  try {
    return await writeWithUploads(core, collection, parsed.data, parsed.files, write);
  } finally {
    await parsed.dispose();
  }
}

/** The body of a create or update, with its uploads kept when the collection has file fields (dispose() when done). */
export function readRecordBody(request: FastifyRequest, collection: Collection): Promise<ParsedBody> {
  const fileFields = collection.fields.filter((f) => f.model.type === 'file');
  if (fileFields.length === 0) return readBody(request);
  const total = BODY_LIMIT + fileFields.reduce((sum, f) => sum + maxFileSize(f.model) * Math.max(1, Number(f.model.maxSelect) || 1), 0);
  return readBody(request, { keepFiles: { total } });
}

/** A write with already received files: named, checked, stored in the write, removed again if it fails. */
export async function writeWithUploads(
  core: GalleyCore, collection: Collection, data: Values, uploads: UploadedFile[], write: (body: Values, files?: RecordFileHooks) => Promise<Row>,
): Promise<Row> {
  const { body, write: files } = await RecordFileWrite.prepare(core.files, collection, data, uploads);
  let row: Row;
  try {
    row = await write(body, files);
  } catch (err) {
    await files.abort();
    throw err;
  }
  await files.afterCommit();
  return row;
}
