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
  /** What the statement sent with the COMMIT moved (PostgreSQL), when one was. */
  movedAtCommit?: string[];
}

export function openScope(deps: RecordDeps, tx: Executor): WriteScope {
  const scope: WriteScope = { deps: undefined as unknown as RecordDeps, changes: [], folders: [], moved: new Set() };
  const versions = deps.versions;
  // The outermost scope on PostgreSQL: the versions move in the COMMIT's round trip.
  if (versions?.commitStatement && tx.afterCommit) {
    tx.afterCommit(() => {
      const ids = movedBy(scope);
      if (!ids.length) return undefined;
      scope.movedAtCommit = ids;
      return versions.commitStatement!(ids);
    });
  }
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
  if (scope.movedAtCommit) await deps.versions?.movedWithCommit?.(scope.movedAtCommit);
  else if (deps.versions) {
    const ids = movedBy(scope);
    if (ids.includes('*')) await deps.versions.changedAll();
    const some = ids.filter((id) => id !== '*');
    if (some.length) await deps.versions.changed(some);
  }
  if (scope.changes.length) await deps.changes?.emit(scope.changes);
  if (scope.folders.length) await deps.files?.recordsDeleted(scope.folders);
}

/** The collections whose versions a scope moves: its changes' and any noted ('*': all). */
function movedBy(scope: WriteScope): string[] {
  const ids = new Set(scope.moved);
  for (const change of scope.changes) ids.add(change.collection.id);
  return [...ids];
}
