/**
 * Collections into the target, inside the import's transaction: a CollectionService
 * over the transaction (its own transactions become savepoints) checks the target,
 * removes the definitions the import replaces, creates the base and auth collections
 * in one step, then the views one by one, so a view query the target engine cannot run
 * is reported by name and skipped while the rest goes on.
 */
import type { Executor, Store } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import { TransactionStore } from '../../store/transaction-store.js';
import { CollectionService } from '../../core/collections/collection-service.js';
import { deleteDefinition, updateDefinition } from '../../core/collections/definitions-table.js';
import { EXTERNAL_AUTHS_ID, SUPERUSERS_ID, USERS_ID } from '../../core/collections/defaults.js';
import { ApiError, isFieldError, type ErrorData } from '../../core/errors.js';
import type { Collection } from '../../core/collections/collection.js';
import type { CollectionModel } from '../../core/collections/model.js';
import type { PbCollectionRow } from './source.js';
import { collectionInput } from './schema-map.js';
import { ImportError } from './import-error.js';

const DEFAULT_IDS = new Set([SUPERUSERS_ID, USERS_ID, EXTERNAL_AUTHS_ID]);

export interface Skipped {
  name: string;
  reason: string;
}

export interface CollectionsResult {
  service: CollectionService;
  /** The imported collections as the target now holds them, in source order. */
  imported: Collection[];
  skipped: Skipped[];
}

/** The target store seen through the open transaction. */
export function transactionStore(tx: Executor, store: Store): TransactionStore {
  return new TransactionStore(tx, store.dialect);
}

export async function importCollections(txStore: TransactionStore, rows: PbCollectionRow[], force: boolean): Promise<CollectionsResult> {
  const service = new CollectionService(txStore);
  await service.load();
  await refuseNonEmpty(txStore, service, force);
  const setAside = await removeReplaced(txStore, service, rows, force);

  const skipped: Skipped[] = [];
  const tables = rows.filter((r) => r.type !== 'view');
  try {
    await service.import(tables.map(collectionInput), false);
  } catch (err) {
    if (err instanceof ApiError) throw new ImportError(`the collections cannot be created in Galley: ${describeImportError(err, tables)}`);
    throw err;
  }
  // Views may read other views: retried while a pass makes progress.
  let pending = rows.filter((r) => r.type === 'view');
  const reasons = new Map<string, string>();
  for (let progress = true; pending.length && progress;) {
    progress = false;
    const left: PbCollectionRow[] = [];
    for (const view of pending) {
      try {
        await txStore.transaction(() => service.import([collectionInput(view)], false));
        await keepViewFieldIds(txStore, service, view);
        progress = true;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        reasons.set(view.name, describeImportError(err, [view]));
        left.push(view);
      }
    }
    pending = left;
  }
  // The target's own views set aside by --force come back, reading the imported tables.
  for (const model of setAside) {
    try {
      await txStore.transaction(() => service.import([model], false));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      skipped.push({ name: model.name, reason: `the target's view could not be created again over the imported collections (${err.message}); it was removed` });
    }
  }
  await service.reload();
  for (const view of pending) skipped.push({ name: view.name, reason: `view query not accepted by ${txStore.dialect.name === 'postgres' ? 'PostgreSQL' : 'SQLite'}: ${reasons.get(view.name)}` });
  const imported = rows.map((r) => service.find(r.id)).filter((c): c is Collection => c !== undefined);
  return { service, imported, skipped };
}

/**
 * View fields are derived again from the query (Galley's own ids); the ones PocketBase
 * derived under the same names get their PocketBase ids back, as every other field has.
 */
async function keepViewFieldIds(txStore: TransactionStore, service: CollectionService, view: PbCollectionRow): Promise<void> {
  const ids = new Map(view.fields.map((f) => [String(f.name), String(f.id)]));
  const model = structuredClone(service.get(view.id).model);
  model.fields = model.fields.map((f) => (ids.has(f.name) ? { ...f, id: ids.get(f.name)! } : f));
  await updateDefinition(txStore, txStore, model);
}

/** A target holding anything but the untouched default collections is refused unless forced. */
async function refuseNonEmpty(db: Executor, service: CollectionService, force: boolean): Promise<void> {
  if (force) return;
  const extra = service.registry.all().filter((c) => !DEFAULT_IDS.has(c.id)).map((c) => c.name);
  const withRecords: string[] = [];
  for (const c of service.registry.all().filter((c) => DEFAULT_IDS.has(c.id))) {
    if (await db.get(`SELECT 1 AS "x" FROM ${quoteIdent(c.name)} LIMIT 1`)) withRecords.push(c.name);
  }
  if (extra.length || withRecords.length) {
    const what = [extra.length ? `collections ${extra.join(', ')}` : '', withRecords.length ? `records in ${withRecords.join(', ')}` : ''].filter(Boolean).join(' and ');
    throw new ImportError(`the target already holds ${what}: import into an empty data directory or database, or pass --force to replace what the import brings`);
  }
}

/**
 * Target collections with an imported id or name are dropped with their records (the
 * defaults; with --force anything), so the imported definitions keep PocketBase's
 * field ids. The target's other views are set aside first (one may read a table about
 * to go) and returned, to be created again after the import.
 */
async function removeReplaced(txStore: TransactionStore, service: CollectionService, rows: PbCollectionRow[], force: boolean): Promise<CollectionModel[]> {
  const ids = new Set(rows.map((r) => r.id));
  const names = new Set(rows.map((r) => r.name.toLowerCase()));
  const all = service.registry.all();
  const replaced = all.filter((c) => ids.has(c.id) || names.has(c.name.toLowerCase()));
  if (!replaced.length) return [];
  const setAside = force ? all.filter((c) => c.isView && !replaced.includes(c)) : [];
  for (const c of [...setAside, ...[...replaced].sort((a, b) => Number(b.isView) - Number(a.isView))]) {
    try {
      await txStore.exec(`DROP ${c.isView ? 'VIEW' : 'TABLE'} ${quoteIdent(c.name)}`);
    } catch (err) {
      throw new ImportError(`cannot replace the target's collection "${c.name}": ${(err as Error).message}`);
    }
    await deleteDefinition(txStore, txStore, c.id);
  }
  await service.reload();
  return setAside.map((c) => structuredClone(c.model));
}

/** "demo1: fields.2.name: Invalid value." from a collections-import 400. */
function describeImportError(err: ApiError, rows: PbCollectionRow[]): string {
  const parts: string[] = [];
  const walk = (data: ErrorData | unknown, path: string[]) => {
    if (data && typeof data === 'object' && isFieldError(data as ErrorData)) parts.push(`${path.join('.')}: ${(data as { message: string }).message}`);
    else if (data && typeof data === 'object') for (const [k, v] of Object.entries(data)) walk(v, [...path, k]);
  };
  const byIndex = (err.data as { collections?: Record<string, unknown> }).collections;
  if (byIndex && typeof byIndex === 'object') {
    for (const [i, data] of Object.entries(byIndex)) {
      const name = rows[Number(i)]?.name ?? i;
      const before = parts.length;
      walk(data, []);
      for (let k = before; k < parts.length; k++) parts[k] = `${name}: ${parts[k]}`;
    }
  } else walk(err.data, []);
  return parts.length ? parts.join('; ') : err.message;
}
