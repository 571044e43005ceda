/**
 * PostgreSQL: puts back the search index of collections whose table lacks its sync
 * trigger — a database indexed by an earlier Galley (a GIN expression index instead
 * of the `_fts_<id>` table), or restored from a backup (a dump carries tables and
 * indexes, not triggers). The index is rebuilt from the rows, once per cluster (an
 * advisory lock, and the check again under it). Schema changes keep it themselves.
 */
import type { Store } from '../store/store.js';
import type { Collection } from '../core/collections/collection.js';
import { searchableFields } from './options.js';
import { ftsTriggerName, postgresSearch } from './postgres-search.js';

/** Any constant; serialises the repair across instances that start or restore together. */
const REPAIR_LOCK = 0x67616c66; // "galf"

async function presentTriggers(store: Pick<Store, 'all'>, tables: string[]): Promise<Set<string>> {
  const rows = await store.all(
    `SELECT c.relname AS "table", t.tgname AS "trigger" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid ` +
    `WHERE t.tgname LIKE '\\_fts\\_%' AND c.relname = ANY($1::text[]) AND c.relnamespace = current_schema()::regnamespace`,
    [tables],
  );
  return new Set(rows.map((r) => `${String(r.table)}/${String(r.trigger)}`));
}

/** Rebuilds the missing search indexes; returns the names of the collections it rebuilt. */
export async function ensureSearchIndexes(store: Store, collections: readonly Collection[]): Promise<string[]> {
  if (store.dialect.name !== 'postgres') return [];
  const searchable = collections.filter((c) => !c.isView && searchableFields(c.model).length > 0);
  if (!searchable.length) return [];
  const tables = searchable.map((c) => c.name);
  const isMissing = (have: Set<string>) => (c: Collection) => !have.has(`${c.name}/${ftsTriggerName(c.model)}`);
  if (!searchable.some(isMissing(await presentTriggers(store, tables)))) return [];
  return store.transaction(async (tx) => {
    await tx.get('SELECT pg_advisory_xact_lock($1::bigint) AS "locked"', [REPAIR_LOCK]);
    const missing = searchable.filter(isMissing(await presentTriggers(tx, tables)));
    for (const c of missing) for (const sql of [...postgresSearch.drop(c.model), ...postgresSearch.create(c.model)]) await tx.exec(sql);
    return missing.map((c) => c.name);
  });
}
