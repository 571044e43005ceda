/** What the records layer needs from the rest of Galley. */
import type { Store } from '../../store/store.js';
import type { CollectionService } from '../collections/collection-service.js';
import type { RecordChange } from './record-changes.js';
import type { RecordFilesCleanup } from './file-hooks.js';
import type { RecordLifecycle } from './record-lifecycle.js';
import type { DataVersions } from '../versions/data-versions.js';

export interface RecordDeps {
  store: Store;
  collections: CollectionService;
  /** Told about every committed create, update and delete. */
  changes?: { emit(changes: RecordChange[]): void | Promise<void> };
  /** Removes the stored files of deleted records. */
  files?: RecordFilesCleanup;
  /** Moved after every commit, before anything else hears of it (caches of list totals, validators). */
  versions?: DataVersions;
  /** Hooks around each INSERT/UPDATE/DELETE. */
  lifecycle?: RecordLifecycle;
}
