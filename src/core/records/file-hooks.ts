/**
 * What the record writer needs from file storage for one write (implemented by
 * files/record-file-write.ts): the upload errors, which names are new uploads, and a
 * step that puts the kept uploads into storage right before the INSERT/UPDATE.
 */
import type { ErrorData } from '../errors.js';
import type { Collection } from '../collections/collection.js';

export interface RecordFileHooks {
  /** Errors of the uploads themselves (size, type), keyed by field name. */
  readonly errors: ErrorData;
  /** True when `name` was given to a file uploaded with this request under `field`. */
  isUpload(field: string, name: string): boolean;
  /** Called once validation passed, before the row is written (may run again on a retry). */
  beforeWrite(collection: Collection, recordId: string, current: Record<string, unknown>, values: Record<string, unknown>): Promise<void>;
}

/** Deletes stored files once records are gone (best-effort, after the commit). */
export interface RecordFilesCleanup {
  recordsDeleted(prefixes: string[]): Promise<void>;
}

/** A received file waiting in a temporary file (a multipart part, a downloaded avatar). */
export interface IncomingFile {
  /** The file field it is for (with `+`/`-` modifiers when given so). */
  field: string;
  filename: string;
  /** The content type the sender declared. */
  mimeType: string;
  size: number;
  path?: string;
}
