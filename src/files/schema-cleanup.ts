/**
 * Files left behind by schema changes, removed after the change committed
 * (best-effort; failures are logged): a deleted collection loses its whole
 * `<collectionId>/` folder; a collection that lost file fields (deleted, or changed to
 * another type) is swept: every stored file (and thumb folder) its records no longer
 * reference is deleted. An upload racing with the sweep on that same collection could
 * be caught by it; schema changes are rare superuser operations, so this is accepted.
 */
import type { Collection } from '../core/collections/collection.js';
import type { CollectionService } from '../core/collections/collection-service.js';
import type { Store } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { asList } from '../core/fields/multi-value.js';
import type { FileService } from './file-service.js';

const fileFieldIds = (c: Collection) => c.fields.filter((f) => f.model.type === 'file').map((f) => f.model.id as string);

/** What to compare against after the change: each collection's id and file field ids. */
export function snapshotFileFields(collections: CollectionService): Map<string, string[]> {
  return new Map(collections.registry.all().filter((c) => !c.isView).map((c) => [c.id, fileFieldIds(c)]));
}

export async function cleanupAfterSchemaChange(files: FileService, store: Store, collections: CollectionService, before: Map<string, string[]>): Promise<void> {
  try {
    for (const [id, fieldIds] of before) {
      const now = collections.registry.all().find((c) => c.id === id);
      if (!now) {
        await files.cleanup([`${id}/`]);
        continue;
      }
      const remaining = new Set(fileFieldIds(now));
      if (fieldIds.some((f) => !remaining.has(f))) await sweep(files, store, now);
    }
  } catch (err) {
    files.logWarning(`file cleanup after a schema change failed: ${(err as Error).message}`);
  }
}

/** Deletes the collection's stored files that no record's file field references any more. */
async function sweep(files: FileService, store: Store, collection: Collection): Promise<void> {
  const storage = files.storage();
  const keys = await storage.list(`${collection.id}/`);
  if (keys.length === 0) return;
  const fileFields = collection.fields.filter((f) => f.model.type === 'file');
  const referenced = new Set<string>();
  if (fileFields.length > 0) {
    const cols = fileFields.map((f) => quoteIdent(f.model.name)).join(', ');
    for (const row of await store.all(`SELECT "id", ${cols} FROM ${quoteIdent(collection.name)}`)) {
      for (const f of fileFields) for (const name of asList(f.type.fromDb(row[f.model.name], f.model))) referenced.add(`${String(row.id)}/${name}`);
    }
  }
  const stale = new Set<string>();
  for (const key of keys) {
    const [, recordId, entry] = key.split('/');
    const name = entry!.startsWith('thumbs_') && key.split('/').length === 4 ? entry!.slice('thumbs_'.length) : entry!;
    if (!referenced.has(`${recordId}/${name}`)) stale.add(key);
  }
  await files.cleanup([...stale], storage);
}
