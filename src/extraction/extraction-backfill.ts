/**
 * Records that already have files when a file field's extraction is turned on (or its
 * target changes): a durable `extractTextBackfill` job, enqueued by the instance that
 * made the schema change, walks the collection by id and, for every record with files,
 * sets the state to pending and enqueues its extraction job. It can be interrupted and
 * run again: a record already pending gets its job again (deduplicated by key).
 */
import type { CollectionChange } from '../core/collections/collection-service.js';
import type { RecordDeps } from '../core/records/deps.js';
import { quoteIdent } from '../store/dialect.js';
import { findRecordById } from '../core/records/record-reader.js';
import { rowToValues } from '../core/records/serialize.js';
import { updateRecord } from '../core/records/record-writer.js';
import { asList } from '../core/fields/multi-value.js';
import { nowDateTime } from '../core/fields/datetime.js';
import { systemAccess } from '../core/rules/rule-access.js';
import { SUPERUSER_SYSTEM } from '../core/auth/request-auth.js';
import type { Job, JobQueue } from '../jobs/job-queue.js';
import { extractionSources, extractTarget } from './extraction-options.js';
import { asExtraction, EXTRACT_JOB, extractJobKey, StaleExtraction, type ExtractPayload } from './extraction-lifecycle.js';

export const BACKFILL_JOB = 'extractTextBackfill';
const PAGE = 200;

export interface BackfillPayload { collection: string; field: string }

/** The backfills a schema change calls for: file fields whose extraction was turned on or retargeted. */
export function backfillsFor(change: CollectionChange): BackfillPayload[] {
  if (change.action !== 'update' || change.model.type === 'view') return [];
  const oldById = new Map(change.old.fields.map((f) => [f.id, f]));
  return extractionSources(change.model)
    .filter(({ file }) => {
      const before = oldById.get(file.id);
      return before !== undefined && (before.type !== 'file' || extractTarget(before) !== extractTarget(file));
    })
    .map(({ file }) => ({ collection: change.model.id, field: file.id }));
}

export async function runBackfill(recordDeps: RecordDeps, queue: JobQueue, job: Job<BackfillPayload>): Promise<void> {
  const ctx = systemAccess(recordDeps.collections.registry, SUPERUSER_SYSTEM);
  for (let after = ''; ;) {
    if (job.signal.aborted) throw new Error('stopped');
    // Looked up again per page: the schema may change while this runs.
    const collection = recordDeps.collections.find(job.payload.collection);
    const source = collection && !collection.isView ? extractionSources(collection.model).find((s) => s.file.id === job.payload.field) : undefined;
    if (!collection || !source) return;
    const p = collection.dialect === 'sqlite' ? '?' : '$1';
    const ids = await recordDeps.store.all(`SELECT "id" FROM ${quoteIdent(collection.name)} WHERE "id" > ${p} ORDER BY "id" LIMIT ${PAGE}`, [after]);
    for (const { id } of ids) {
      const row = await findRecordById(recordDeps.store, collection, String(id));
      const files = row ? asList(rowToValues(collection, row)[source.file.name]) : [];
      if (!files.length) continue;
      const payload: ExtractPayload = { collection: collection.id, record: String(id), field: source.file.id, files };
      try {
        await asExtraction(source.file.name, files, () =>
          updateRecord(recordDeps, collection, String(id), { [source.state.name]: { status: 'pending', updated: nowDateTime() } }, ctx));
      } catch (err) {
        if (err instanceof StaleExtraction || (err as { status?: number }).status === 404) continue; // changed meanwhile: its own job
        throw err;
      }
      await queue.enqueue(EXTRACT_JOB, payload, { key: extractJobKey(payload) });
    }
    if (ids.length < PAGE) return;
    after = String(ids[ids.length - 1]!.id);
  }
}
