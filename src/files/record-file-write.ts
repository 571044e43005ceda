/**
 * The file side of one record create/update (API spec 2.5, 7.1). Before the write:
 * each uploaded part under a file field (`field`, `field+`, `+field`) is typed from its
 * content, checked against `maxSize` and `mimeTypes`, given its stored name, and that
 * name merged into the body so the ordinary modifiers apply. Right before the
 * INSERT/UPDATE the uploads the final value keeps are put into storage; if the write
 * then fails they are deleted again (abort), and once it committed the files the
 * record no longer references are deleted (afterCommit).
 */
import type { Collection } from '../core/collections/collection.js';
import type { FieldModel } from '../core/fields/field.js';
import { fieldError, type ErrorData } from '../core/errors.js';
import { asList } from '../core/fields/multi-value.js';
import { toTextList } from '../core/fields/values.js';
import type { RecordFileHooks } from '../core/records/file-hooks.js';
import type { UploadedFile } from '../server/multipart.js';
import { fileKey, type FileStorage } from './file-storage.js';
import type { FileService } from './file-service.js';
import { detectFileType } from './detect-mime.js';
import { maxFileSize } from '../core/fields/file.js';
import { storedFileName } from './file-names.js';

export { DEFAULT_MAX_FILE_SIZE, maxFileSize } from '../core/fields/file.js';

interface PreparedUpload {
  path: string;
  contentType: string;
}

type Values = Record<string, unknown>;

export class RecordFileWrite implements RecordFileHooks {
  readonly errors: ErrorData = {};
  /** field name → stored name → upload */
  private readonly uploads = new Map<string, Map<string, PreparedUpload>>();
  private readonly stored = new Set<string>();
  private removed: string[] = [];
  private readonly storage: FileStorage;

  private constructor(private readonly service: FileService) {
    this.storage = service.storage();
  }

  /** Validates and names the uploads; returns the body with the new names merged in. */
  static async prepare(service: FileService, collection: Collection, body: Values, files: UploadedFile[]): Promise<{ body: Values; write: RecordFileWrite }> {
    const write = new RecordFileWrite(service);
    const merged: Values = Object.assign(Object.create(null) as Values, body);
    const namesByKey = new Map<string, string[]>();
    for (const file of files) {
      const name = file.field.replace(/^\+|\+$/g, '');
      const field = collection.field(name)?.model;
      // File parts count only under file fields (and not under `field-`); elsewhere they are ignored, as in PocketBase.
      if (!field || field.type !== 'file' || file.field.endsWith('-') || !file.path) continue;
      const type = await detectFileType(file.path, file.filename, file.mimeType);
      const stored = storedFileName(file.filename, type.ext);
      const error = uploadError(field, file, type.mime);
      if (error && !write.errors[name]) write.errors[name] = error;
      let perField = write.uploads.get(name);
      if (!perField) write.uploads.set(name, (perField = new Map()));
      perField.set(stored, { path: file.path, contentType: type.mime });
      namesByKey.set(file.field, [...(namesByKey.get(file.field) ?? []), stored]);
    }
    // Plain names sent under the same key are kept, in front of the new uploads.
    for (const [key, names] of namesByKey) merged[key] = [...toTextList(merged[key]).filter((n) => n !== ''), ...names];
    return { body: merged, write };
  }

  isUpload(field: string, name: string): boolean {
    return this.uploads.get(field)?.has(name) ?? false;
  }

  async beforeWrite(collection: Collection, recordId: string, current: Values, values: Values): Promise<void> {
    const removed: string[] = [];
    for (const f of collection.fields) {
      if (f.model.type !== 'file') continue;
      const name = f.model.name;
      const kept = asList(values[name]);
      for (const n of kept) {
        const upload = this.uploads.get(name)?.get(n);
        const key = fileKey(collection.id, recordId, n);
        if (!upload || this.stored.has(key)) continue;
        this.stored.add(key); // before the put: a failed put is cleaned up by abort() too
        await this.storage.put(key, { path: upload.path }, upload.contentType);
      }
      for (const old of asList(current[name])) {
        if (!kept.includes(old)) removed.push(fileKey(collection.id, recordId, old), `${collection.id}/${recordId}/thumbs_${old}/`);
      }
    }
    this.removed = removed;
  }

  /** The write failed: the files put for it are deleted again. */
  abort(): Promise<void> {
    const keys = [...this.stored];
    this.stored.clear();
    return this.service.cleanup(keys, this.storage);
  }

  /** The write committed: replaced and removed files are deleted. */
  afterCommit(): Promise<void> {
    return this.service.cleanup(this.removed, this.storage);
  }
}

function uploadError(field: FieldModel, file: UploadedFile, mimeType: string) {
  const max = maxFileSize(field);
  if (file.size > max)
    return fieldError('validation_file_size_limit', `Failed to upload "${file.filename}" - the maximum allowed file size is ${max} bytes.`, { file: file.filename, maxSize: max });
  const allowed = (field.mimeTypes as string[] | undefined) ?? [];
  if (allowed.length > 0 && !allowed.some((t) => t.toLowerCase() === mimeType))
    return fieldError('validation_invalid_mime_type', `"${file.filename}" mime type must be one of: ${allowed.join(', ')}.`, { file: file.filename, types: allowed.join(', ') });
  return undefined;
}
