/**
 * The scope of one write transaction: the RecordDeps that work inside it (reads and
 * writes on the transaction, nested transactions as savepoints), and the effects that
 * must wait for the commit — record changes (realtime, after-success hooks) and file
 * folders to delete. A write nested in another (a hook saving a record, a batch
 * sub-request) hands its effects to the enclosing scope, so nothing is announced
 * before the outermost commit.
 */
import type { Executor } from '../../store/store.js';
import { TransactionStore } from '../../store/transaction-store.js';
import type { RecordDeps } from './deps.js';
import type { RecordChange } from './record-changes.js';

export interface WriteScope {
  deps: RecordDeps;
  changes: RecordChange[];
  folders: string[];
  /** Data versions to move after the commit beside the changes' collections ('*': all, after raw SQL). */
  moved: Set<string>;
}

export function openScope(deps: RecordDeps, tx: Executor): WriteScope {
  const scope: WriteScope = { deps: undefined as unknown as RecordDeps, changes: [], folders: [], moved: new Set() };
  scope.deps = {
    store: new TransactionStore(tx, deps.store.dialect),
    collections: deps.collections,
    changes: { emit: (changes) => { scope.changes.push(...changes); } },
    files: { recordsDeleted: async (folders) => { scope.folders.push(...folders); } },
    lifecycle: deps.lifecycle,
    // Versions move once, after the outermost commit: inside, a move is only noted.
    versions: deps.versions && {
      stamp: (ids) => deps.versions!.stamp(ids),
      localStamp: (ids) => deps.versions!.localStamp(ids),
      changed: (ids) => { for (const id of ids) scope.moved.add(id); },
      changedAll: () => { scope.moved.add('*'); },
    },
  };
  return scope;
}

/** After the commit: the scope's effects go to the deps it was opened from. */
export async function closeScope(deps: RecordDeps, scope: WriteScope): Promise<void> {
  if (deps.versions) {
    for (const change of scope.changes) scope.moved.add(change.collection.id);
    if (scope.moved.delete('*')) await deps.versions.changedAll();
    if (scope.moved.size) await deps.versions.changed([...scope.moved]);
  }
  if (scope.changes.length) await deps.changes?.emit(scope.changes);
  if (scope.folders.length) await deps.files?.recordsDeleted(scope.folders);
}
