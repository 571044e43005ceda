/** Relation fields: existence of the referenced ids, checked (and on PostgreSQL locked) in the write's transaction. */
import type { Executor } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import type { CollectionRegistry } from '../collections/registry.js';
import { quoteIdent } from '../../store/dialect.js';
import { asList } from '../fields/multi-value.js';
import { fieldError, type ErrorData } from '../errors.js';

export async function checkRelationIds(
  db: Executor,
  registry: CollectionRegistry,
  collection: Collection,
  values: Record<string, unknown>,
  changed: (name: string) => boolean,
  errors: ErrorData,
): Promise<void> {
  for (const f of collection.fields) {
    if (f.model.type !== 'relation' || errors[f.model.name] || !changed(f.model.name)) continue;
    const ids = asList(values[f.model.name]);
    if (ids.length === 0) continue;
    const target = registry.find(f.model.collectionId as string);
    const p = collection.dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
    // On PostgreSQL the referenced rows are share-locked until commit, so a concurrent
    // delete of one of them waits and then sees this reference (no dangling ids).
    const lock = collection.dialect === 'postgres' ? ' FOR SHARE' : '';
    const found = target
      ? await db.all(`SELECT "id" FROM ${quoteIdent(target.name)} WHERE "id" IN (${ids.map((_, i) => p(i + 1)).join(', ')})${lock}`, ids)
      : [];
    if (found.length !== ids.length)
      errors[f.model.name] = fieldError('validation_missing_rel_records', 'Failed to find all relation records with the provided ids.');
  }
}
