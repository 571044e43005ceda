/**
 * Where uploaded files live (API spec 7.1): a flat key space of
 * `<collectionId>/<recordId>/<filename>` (thumbs under `thumbs_<filename>/`), on the
 * local disk or in an S3 bucket. Every key is checked by validateKey before any
 * implementation touches it, so no key can name anything outside the storage root.
 */
import type { Readable } from 'node:stream';

export interface StoredFileInfo {
  size: number;
  contentType: string;
  lastModified: Date;
  /** A strong validator for conditional requests (quoted, as in the ETag header). */
  etag: string;
}

/** An inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface FileStorage {
  /** Writes the file at `key` (replacing any); `source` is a buffer or a local file path. */
  put(key: string, source: Buffer | { path: string }, contentType: string): Promise<void>;
  /** The file's metadata, or undefined when there is no such file. */
  stat(key: string): Promise<StoredFileInfo | undefined>;
  /** The file's bytes (a range of them when given), or undefined when there is no such file. */
  read(key: string, range?: ByteRange): Promise<Readable | undefined>;
  exists(key: string): Promise<boolean>;
  /** Deletes one file; a missing file is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every file whose key starts with `prefix` (which must end in "/"). */
  deletePrefix(prefix: string): Promise<void>;
  /** Every key under `prefix` (which must end in "/"). */
  list(prefix: string): Promise<string[]>;
}

export class InvalidKeyError extends Error {}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.*+=#-]{0,254}$/;

/**
 * Keys are "/"-separated segments of safe characters (the alphabet of record ids and
 * stored file names); "." / ".." segments, empty segments, backslashes, NUL and
 * percent-escapes are refused. A prefix is the same with a final "/".
 */
export function validateKey(key: string, prefix = false): string {
  const body = prefix ? key.replace(/\/$/, '') : key;
  if (prefix && !key.endsWith('/')) throw new InvalidKeyError('a prefix must end with "/"');
  const segments = body.split('/');
  if (body === '' || segments.length > 4 || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..'))
    throw new InvalidKeyError(`invalid storage key ${JSON.stringify(key.slice(0, 300))}`);
  return key;
}

export const recordPrefix = (collectionId: string, recordId: string) => `${collectionId}/${recordId}/`;
export const fileKey = (collectionId: string, recordId: string, filename: string) => `${collectionId}/${recordId}/${filename}`;
export const thumbKey = (collectionId: string, recordId: string, filename: string, size: string) =>
  `${collectionId}/${recordId}/thumbs_${filename}/${size}_${filename}`;
