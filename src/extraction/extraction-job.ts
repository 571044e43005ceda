/**
 * The extraction job (kind `extractText`): reads the record's files from the file
 * storage, has each one's text extracted in a thread (extractor-pool.ts), joins them
 * (a multi-file field's texts under their file names as headings) and writes the text
 * and the state through the normal record update as the system — hooks, realtime and
 * webhooks see it — unless the files changed since the job was enqueued (then the
 * result is dropped: the newer upload has its own job). A file that cannot be
 * extracted makes the state `failed` with the reason; storage or database errors are
 * thrown, so the queue retries them.
 */
import type { RecordDeps } from '../core/records/deps.js';
import type { FileService } from '../files/file-service.js';
import { fileKey } from '../files/file-storage.js';
import { findRecordById } from '../core/records/record-reader.js';
import { rowToValues } from '../core/records/serialize.js';
import { updateRecord } from '../core/records/record-writer.js';
import { asList } from '../core/fields/multi-value.js';
import { nowDateTime } from '../core/fields/datetime.js';
import { systemAccess } from '../core/rules/rule-access.js';
import { SUPERUSER_SYSTEM } from '../core/auth/request-auth.js';
import type { FieldModel } from '../core/fields/field.js';
import type { Job } from '../jobs/job-queue.js';
import { extractionSources, type ExtractionSource } from './extraction-options.js';
import { asExtraction, StaleExtraction, type ExtractPayload } from './extraction-lifecycle.js';
import type { ExtractorPool } from './extractor-pool.js';

export interface ExtractionJobDeps {
  recordDeps(): RecordDeps;
  files: FileService;
  pool: ExtractorPool;
  /** Files larger than this are not read (failed: too large). */
  maxFileBytes(): number;
  /** Where the details of an unexpected failure go (the record only says one happened). */
  log(message: string): void;
}

export type ExtractionState = { status: 'pending' | 'done' | 'failed'; error?: string; updated: string };

/** Extracts and writes; returns quietly when the record, field or files moved on. */
export async function runExtraction(deps: ExtractionJobDeps, job: Job<ExtractPayload>): Promise<void> {
  const found = await current(deps, job.payload);
  if (!found) return;
  const { source, recordDeps } = found;
  const texts: { name: string; text: string }[] = [];
  const errors: string[] = [];
  for (const name of job.payload.files) {
    if (job.signal.aborted) throw new Error('stopped');
    const bytes = await readFile(deps, job.payload, name);
    if (typeof bytes === 'string') { errors.push(`${name}: ${bytes}`); continue; }
    const result = await deps.pool.extract(name, bytes, source.ocr);
    if (result.ok) texts.push({ name, text: result.text });
    else errors.push(`${name}: ${publicReason(deps, job.payload, name, result.error)}`);
  }
  const text = job.payload.files.length > 1 ? texts.map((t) => `# ${t.name}\n\n${t.text}`).join('\n\n') : (texts[0]?.text ?? '');
  const state: ExtractionState = errors.length
    ? { status: 'failed', error: errors.join('; '), updated: nowDateTime() }
    : { status: 'done', updated: nowDateTime() };
  await write(recordDeps, source, job.payload, { [source.target.name]: fitToField(text, source.target), [source.state.name]: state });
}

/** After the last attempt failed: the record says so (when its files are still these). */
export async function markFailed(deps: ExtractionJobDeps, job: Job<ExtractPayload>, error: string): Promise<void> {
  const found = await current(deps, job.payload);
  if (!found) return;
  const state: ExtractionState = { status: 'failed', error: `gave up after ${job.attempt} attempts: ${error}`, updated: nowDateTime() };
  await write(found.recordDeps, found.source, job.payload, { [found.source.state.name]: state });
}

async function current(deps: ExtractionJobDeps, payload: ExtractPayload): Promise<{ source: ExtractionSource; recordDeps: RecordDeps } | undefined> {
  const recordDeps = deps.recordDeps();
  const collection = recordDeps.collections.find(payload.collection);
  const source = collection && !collection.isView ? extractionSources(collection.model).find((s) => s.file.id === payload.field) : undefined;
  if (!collection || !source) return undefined;
  const row = await findRecordById(recordDeps.store, collection, payload.record);
  if (!row) return undefined;
  const files = asList(rowToValues(collection, row)[source.file.name]);
  if (files.length !== payload.files.length || files.some((f, i) => f !== payload.files[i])) return undefined;
  return { source, recordDeps };
}

async function write(recordDeps: RecordDeps, source: ExtractionSource, payload: ExtractPayload, body: Record<string, unknown>): Promise<void> {
  const collection = recordDeps.collections.find(payload.collection);
  if (!collection) return;
  const ctx = systemAccess(recordDeps.collections.registry, SUPERUSER_SYSTEM);
  try {
    await asExtraction(source.file.name, payload.files, () => updateRecord(recordDeps, collection, payload.record, body, ctx));
  } catch (err) {
    if (err instanceof StaleExtraction) return;
    if ((err as { status?: number }).status === 404) return; // deleted meanwhile
    throw err;
  }
}

/**
 * The reason as clients see it: a file's own problem as it is; a failure that is not
 * the file's (a bug, a library's internal error, which may name paths) only in the log.
 */
function publicReason(deps: ExtractionJobDeps, payload: ExtractPayload, name: string, error: string): string {
  if (!error.startsWith('internal: ') && !error.startsWith('the extraction thread failed')) return error;
  deps.log(`text extraction of ${payload.collection}/${payload.record}/${name}: ${error}`);
  return 'an internal error stopped the extraction (details in the server log)';
}

/** The file's bytes, or why not (a string). */
async function readFile(deps: ExtractionJobDeps, payload: ExtractPayload, name: string): Promise<Buffer | string> {
  const storage = deps.files.storage();
  const key = fileKey(payload.collection, payload.record, name);
  const info = await storage.stat(key);
  if (!info) return 'the file is missing from the storage';
  const max = deps.maxFileBytes();
  if (info.size > max) return `too large to extract (${info.size} bytes; the limit is ${max})`;
  const stream = await storage.read(key);
  if (!stream) return 'the file is missing from the storage';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      return `too large to extract (the limit is ${max} bytes)`;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The text as the target field can hold it: cut to a text field's max characters; an editor field gets escaped paragraphs within its size. */
function fitToField(text: string, target: FieldModel): string {
  if (target.type === 'editor') {
    const max = Number(target.maxSize) || 5 * 1024 * 1024;
    const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    let html = text.split(/\n+/).filter((l) => l.trim() !== '').map((l) => `<p>${escape(l)}</p>`).join('');
    while (Buffer.byteLength(html) > max) html = html.slice(0, Math.floor(html.length * 0.9)).replace(/<[^>]*$|&[a-z]*$/, '');
    return html;
  }
  const max = Number(target.max) || 5000;
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join('') : text;
}
