/**
 * The write side of text extraction: a RecordLifecycle wrapped around the others (so
 * hooks and webhooks see its values) that, for a collection with extraction, sets each
 * `<file>Extraction` on every create and update — `pending` when the field's files
 * changed (null without files, and the target text emptied when the last file went),
 * else the stored value, whatever the client sent — and enqueues the extraction job in
 * the write's own transaction, so a committed upload always has its job.
 *
 * The extraction job writes its result through the same path inside `asExtraction`,
 * which lets its values through only while the files are still the ones it read
 * (checked against the row read in the write's transaction): a newer upload is never
 * overwritten by a stale result.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Collection } from '../core/collections/collection.js';
import type { RecordLifecycle } from '../core/records/record-lifecycle.js';
import { asList } from '../core/fields/multi-value.js';
import { nowDateTime } from '../core/fields/datetime.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { extractionSources, type ExtractionSource } from './extraction-options.js';

type Values = Record<string, unknown>;

export const EXTRACT_JOB = 'extractText';

export interface ExtractPayload {
  collection: string;
  record: string;
  /** The file field's id (survives renames). */
  field: string;
  /** The stored file names the job is for. */
  files: string[];
}

export const extractJobKey = (p: Pick<ExtractPayload, 'collection' | 'record' | 'field'>) => `${p.collection}/${p.record}/${p.field}`;

/** The extraction job's own write: the files it extracted, per file field name. */
interface ExtractionWrite { files: Map<string, string[]> }
const extractionWrite = new AsyncLocalStorage<ExtractionWrite>();

/** The result was for files the record no longer has. */
export class StaleExtraction extends Error {}

/** Runs `fn` (a record update) as the extraction job's write for these files. */
export function asExtraction<T>(fileField: string, files: string[], fn: () => Promise<T>): Promise<T> {
  return extractionWrite.run({ files: new Map([[fileField, files]]) }, fn);
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function extractionLifecycle(inner: RecordLifecycle, queue: JobQueue): RecordLifecycle {
  const sourcesOf = (c: Collection) => (c.isView ? [] : extractionSources(c.model));
  return {
    has: (action, c) => inner.has(action, c) || (action !== 'delete' && sourcesOf(c).length > 0),
    around: async (action, collection, record, original, deps, execute) => {
      const sources = action === 'delete' ? [] : sourcesOf(collection);
      if (!sources.length) return inner.around(action, collection, record, original, deps, execute);
      const run = async (final: Values) => {
        const jobs = applyState(collection, sources, final, original);
        await execute(final);
        for (const payload of jobs) await queue.enqueue(EXTRACT_JOB, payload, { key: extractJobKey(payload), db: deps.store });
      };
      if (inner.has(action, collection)) return inner.around(action, collection, record, original, deps, run);
      await run(record);
      return record;
    },
    failed: (action, collection, record, error) => inner.failed(action, collection, record, error),
  };
}

/** Sets the state fields of `final`; returns the jobs to enqueue. */
function applyState(collection: Collection, sources: ExtractionSource[], final: Values, original: Values | undefined): ExtractPayload[] {
  const own = extractionWrite.getStore();
  const jobs: ExtractPayload[] = [];
  const now = nowDateTime();
  for (const { file, target, state } of sources) {
    const files = asList(final[file.name]);
    const before = original ? asList(original[file.name]) : [];
    const expected = own?.files.get(file.name);
    if (expected) {
      // The job's result: only for the files it read (the row is locked by this transaction).
      if (!sameList(before, expected) || !sameList(files, expected)) throw new StaleExtraction();
      continue;
    }
    if (original && sameList(files, before)) {
      final[state.name] = original[state.name] ?? null;
      continue;
    }
    if (files.length === 0) {
      final[state.name] = null;
      if (before.length) final[target.name] = '';
      continue;
    }
    final[state.name] = { status: 'pending', updated: now };
    jobs.push({ collection: collection.id, record: String(final.id), field: file.id, files });
  }
  return jobs;
}
