/**
 * Creating, changing and deleting collections: definition and table change together
 * in one transaction, and the in-memory registry follows only after commit.
 */
import { randomUUID } from 'node:crypto';
import type { Executor, Store } from '../../store/store.js';
import { UniqueViolation } from '../../store/store.js';
import { quoteIdent as q } from '../../store/dialect.js';
import { ApiError, badRequest, fieldError, notFound, type ErrorData } from '../errors.js';
import { CollectionRegistry } from './registry.js';
import type { Collection } from './collection.js';
import type { CollectionModel } from './model.js';
import { EXTERNAL_AUTHS, externalAuthsCollection, superusersCollection, usersCollection } from './defaults.js';
import { newRecordId } from './ids.js';
import { modelForCreate, modelForUpdate } from './merge-input.js';
import { validateCollection } from './validate.js';
import { alterTableSql, createTableSql, dropTableExtrasSql } from './schema-sql.js';
import { storeFeatures } from '../../store/store-features.js';
import { deleteDefinition, ensureInternalTables, insertDefinition, loadDefinitions, takeLegacyExternalAuths, updateDefinition } from './definitions-table.js';
import { parseIndex } from './indexes.js';
import { deriveViewFields } from './view-fields.js';
import { validateRuleExpressions } from './validate-rules.js';
import { fieldType } from '../fields/registry.js';
import { SCHEMA_CHANNEL } from '../../pubsub/pubsub.js';
import type { FieldModel } from '../fields/field.js';

/** A change refused by the engine because a view reads what it removes, as a 400. */
function viewDependencyError(err: unknown): ApiError | undefined {
  const e = err as { code?: string; message?: string };
  if (e.code === '2BP01' || /error in view/i.test(e.message ?? ''))
    return badRequest('The change would break a view collection that reads this collection; change or delete that view first.');
  return undefined;
}

export const VERSION_KEY = 'collectionsVersion';

const isBindable = (f: FieldModel) => typeof f === 'object' && f !== null && fieldType(f.type) !== undefined;

/** A committed schema change, as listeners see it (`old`: the definitions before it). */
export type CollectionChange =
  | { action: 'create'; model: CollectionModel }
  | { action: 'update'; old: CollectionModel; model: CollectionModel }
  | { action: 'delete'; old: CollectionModel }
  | { action: 'import'; old: CollectionModel[]; models: CollectionModel[] };

export type CollectionChangeListener = (change: CollectionChange) => void | Promise<void>;

export class CollectionService {
  readonly registry: CollectionRegistry;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<CollectionChangeListener>();

  constructor(private readonly store: Store) {
    this.registry = new CollectionRegistry(store.dialect.name, storeFeatures(store));
  }

  /** Creates the internal tables and default collections on first start, then loads every definition. */
  async load(): Promise<void> {
    await ensureInternalTables(this.store);
    let models = await loadDefinitions(this.store);
    if (models.length === 0) {
      await this.store.transaction(async (tx) => {
        for (const model of [superusersCollection(), usersCollection()]) await this.createInTx(tx, model);
      });
      models = await loadDefinitions(this.store);
    }
    if (!models.some((m) => m.name === EXTERNAL_AUTHS)) {
      await this.createExternalAuths();
      models = await loadDefinitions(this.store);
    }
    this.registry.replaceAll(models);
    this.version = await this.readVersion();
  }

  /** The `_externalAuths` system collection, with the links of a data directory that kept them in an internal table. */
  private async createExternalAuths(): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        const legacy = await takeLegacyExternalAuths(tx, this.store.dialect.name);
        await this.bumpVersion(tx);
        await this.createInTx(tx, externalAuthsCollection());
        const p = this.store.dialect.placeholder;
        for (const row of legacy ?? []) {
          const at = new Date(Number(row.created)).toISOString().replace('T', ' ');
          await tx.run(`INSERT INTO "${EXTERNAL_AUTHS}" ("id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated") VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`,
            [newRecordId(), row.collectionId, row.recordId, row.provider, row.providerId, at, at]);
        }
      });
    } catch (err) {
      // Another instance starting at the same time created it first.
      if (!(await loadDefinitions(this.store)).some((m) => m.name === EXTERNAL_AUTHS)) throw err;
    }
  }

  /** Re-reads every definition (another instance may have changed them). */
  async reload(): Promise<void> {
    this.version = await this.readVersion();
    this.registry.replaceAll(await loadDefinitions(this.store));
    this.store.schemaChanged();
  }

  /**
   * Instances sharing one database see each other's schema changes: every change
   * writes a new version marker in its transaction, and each instance polls the marker
   * and reloads when it moved. Returns a function that stops the polling.
   */
  watch(intervalMs = 2000): () => void {
    const timer = setInterval(() => {
      this.refresh().catch(() => {}); // a failed poll is retried at the next tick
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Reloads the definitions if another instance changed them since the last load; true
   * when it did. Called by the poll, on a schema-change notification, and by a request
   * whose statement failed because the schema moved under it. Runs in the serial queue,
   * so concurrent callers share one reload and never see it half done.
   */
  refresh(): Promise<boolean> {
    return this.serial(async () => {
      if ((await this.readVersion()) === this.version) return false;
      await this.reload();
      return true;
    });
  }

  private version = '';

  /** The schema version marker this instance has loaded (one per committed schema change, the same on every instance). */
  get schemaVersion(): string {
    return this.version;
  }

  private async readVersion(): Promise<string> {
    const row = await this.store.get(`SELECT "value" FROM "_params" WHERE "id" = ${this.store.dialect.placeholder(1)}`, [VERSION_KEY]);
    return row ? String(row.value) : '';
  }

  /**
   * Written first in every schema-changing transaction: on PostgreSQL the row lock it
   * takes also serialises schema changes made by different instances.
   */
  private async bumpVersion(tx: Executor): Promise<void> {
    const p = this.store.dialect.placeholder;
    const version = randomUUID();
    await tx.run(
      `INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value"`,
      [VERSION_KEY, version],
    );
    // The other instances hear of the change the moment it commits (a NOTIFY is
    // delivered at commit, never for a rolled-back transaction); the poll stays as a fallback.
    if (this.store.dialect.name === 'postgres') await tx.get(`SELECT pg_notify('${SCHEMA_CHANNEL}', ${p(1)})`, [version]);
    this.version = version;
  }

  /**
   * Calls the listener after every committed create/update/delete/import made through
   * this service (not for reloads of other instances' changes). Listeners run inside
   * the serial queue, so they see the changes one at a time and in order. Returns a
   * function that removes it.
   */
  onChange(listener: CollectionChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async emit(change: CollectionChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }

  find(idOrName: string): Collection | undefined {
    return this.registry.find(idOrName);
  }

  get(idOrName: string): Collection {
    const c = this.registry.find(idOrName);
    if (!c) throw notFound();
    return c;
  }

  async create(input: Record<string, unknown>): Promise<CollectionModel> {
    return this.serial(() => this.doCreate(input));
  }

  async update(idOrName: string, input: Record<string, unknown>): Promise<CollectionModel> {
    return this.serial(() => this.doUpdate(idOrName, input));
  }

  async delete(idOrName: string): Promise<void> {
    return this.serial(() => this.doDelete(idOrName));
  }

  /**
   * Replaces (and with deleteMissing, removes) collections in one transaction: the
   * whole import is applied or none of it.
   */
  async import(list: unknown, deleteMissing: boolean): Promise<void> {
    return this.serial(() => this.doImport(list, deleteMissing));
  }

  /**
   * Schema changes run one at a time, so each is validated against the definitions the
   * previous one left (two concurrent creates of "a" and "A" must not both pass).
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.pending.then(fn);
    this.pending = run.catch(() => {});
    return run;
  }

  private async doCreate(input: Record<string, unknown>): Promise<CollectionModel> {
    const model = modelForCreate(input, (id) => this.registry.find(id)?.id === id);
    this.check(model, undefined, 'Failed to create collection.');
    await this.store.transaction(async (tx) => {
      await this.bumpVersion(tx);
      await this.createInTx(tx, model);
    });
    this.afterChange(model);
    await this.emit({ action: 'create', model });
    return model;
  }

  private async doUpdate(idOrName: string, input: Record<string, unknown>): Promise<CollectionModel> {
    const old = this.get(idOrName).model;
    const model = modelForUpdate(old, input);
    this.check(model, old, 'Failed to update collection.');
    await this.store.transaction(async (tx) => {
      await this.bumpVersion(tx);
      await this.updateInTx(tx, old, model);
    });
    this.afterChange(model);
    await this.emit({ action: 'update', old, model });
    return model;
  }

  private async doDelete(idOrName: string): Promise<void> {
    const c = this.get(idOrName);
    if (c.model.system) throw badRequest('System collections cannot be deleted.');
    const referencing = this.referencing(c.id);
    if (referencing.length)
      throw badRequest(`The collection is referenced by relation fields of: ${referencing.map((r) => r.name).join(', ')}.`);
    await this.store.transaction(async (tx) => {
      await this.bumpVersion(tx);
      await deleteDefinition(tx, this.store, c.id);
      try {
        await tx.exec(`DROP ${c.isView ? 'VIEW' : 'TABLE'} ${q(c.name)}`);
      } catch (err) {
        throw viewDependencyError(err) ?? err;
      }
      for (const sql of dropTableExtrasSql(c.model, this.store.dialect.name)) await tx.exec(sql);
      await this.checkViews(tx, c.model);
    });
    this.registry.remove(c.id);
    this.store.schemaChanged();
    await this.emit({ action: 'delete', old: c.model });
  }

  private async doImport(list: unknown, deleteMissing: boolean): Promise<void> {
    if (!Array.isArray(list) || list.length === 0)
      throw badRequest('Failed to import collections.', { collections: fieldError('validation_required', 'Cannot be blank.') });
    const scratch = new CollectionRegistry(this.store.dialect.name, storeFeatures(this.store));
    scratch.replaceAll(this.registry.all().map((c) => c.model));
    const steps: { old?: CollectionModel; model: CollectionModel }[] = [];
    const errors: ErrorData = {};
    list.forEach((raw, i) => {
      if (typeof raw !== 'object' || raw === null) {
        errors[String(i)] = fieldError('validation_invalid_value', 'Must be a collection object.');
        return;
      }
      const input = raw as Record<string, unknown>;
      const old = (typeof input.id === 'string' && scratch.find(input.id)?.id === input.id ? scratch.find(input.id) : undefined)
        ?? (typeof input.name === 'string' ? scratch.find(input.name) : undefined);
      const model = old ? modelForUpdate(old.model, { ...input, id: old.id }) : modelForCreate(input, (id) => scratch.find(id)?.id === id);
      // Related collections may come later in the list: put every definition first, validate after.
      // The scratch registry only serves lookups; fields it cannot bind are left out (validation reports them).
      scratch.put(Array.isArray(model.fields) && model.fields.every(isBindable) ? model : { ...model, fields: [] });
      steps.push({ old: old?.model, model });
    });
    const before = this.registry.all().map((c) => c.model);
    const keep = new Set(steps.map((s) => s.model.id));
    const removed = deleteMissing ? this.registry.all().filter((c) => !keep.has(c.id)) : [];
    // Validated without the collections about to go, so a relation to one of them is reported.
    for (const c of removed) scratch.remove(c.id);
    steps.forEach((step, i) => {
      const e = validateCollection(step.model, { registry: scratch, old: step.old });
      if (e) errors[String(i)] = e;
    });
    const system = removed.find((c) => c.model.system);
    if (system) errors.deleteMissing = fieldError('validation_system_collection_delete', `System collection "${system.name}" cannot be deleted.`);
    if (Object.keys(errors).length) throw badRequest('Failed to import collections.', { collections: errors });

    await this.store.transaction(async (tx) => {
      await this.bumpVersion(tx);
      for (const c of removed) {
        await deleteDefinition(tx, this.store, c.id);
        await tx.exec(`DROP ${c.isView ? 'VIEW' : 'TABLE'} ${q(c.name)}`);
        for (const sql of dropTableExtrasSql(c.model, this.store.dialect.name)) await tx.exec(sql);
      }
      for (const [i, step] of steps.entries()) {
        try {
          // Views read the imported definitions: a view may select from a collection created just before it.
          if (step.old) await this.updateInTx(tx, step.old, step.model, scratch);
          else await this.createInTx(tx, step.model, scratch);
        } catch (err) {
          // e.g. a unique index the data cannot satisfy: reported at the collection's position
          if (err instanceof ApiError) throw new ApiError(err.status, err.message, { collections: { [String(i)]: err.data } });
          throw err;
        }
      }
    });
    await this.reload();
    await this.emit({ action: 'import', old: before, models: this.registry.all().map((c) => c.model) });
  }

  /** Collections with a relation field pointing at the given collection id (itself excluded). */
  referencing(collectionId: string): Collection[] {
    return this.registry.all().filter((c) => c.id !== collectionId && c.model.fields.some((f) => f.type === 'relation' && f.collectionId === collectionId));
  }

  private check(model: CollectionModel, old: CollectionModel | undefined, message: string): void {
    const errors = validateCollection(model, { registry: this.registry, old });
    if (errors) throw badRequest(message, errors);
  }

  private async createInTx(tx: Executor, model: CollectionModel, registry = this.registry): Promise<void> {
    if (model.type === 'view') await this.defineView(tx, undefined, model, registry);
    await insertDefinition(tx, this.store, model);
    if (model.type !== 'view') await this.applyDdl(tx, model, createTableSql(model, this.store.dialect.name, storeFeatures(this.store)));
    await this.checkViews(tx, model);
  }

  private async updateInTx(tx: Executor, old: CollectionModel, model: CollectionModel, registry = this.registry): Promise<void> {
    if (model.type === 'view') await this.defineView(tx, old, model, registry);
    await updateDefinition(tx, this.store, model);
    if (model.type !== 'view') await this.applyDdl(tx, model, alterTableSql(old, model, this.store.dialect.name, storeFeatures(this.store)));
    await this.checkViews(tx, model);
  }

  /**
   * (Re)creates a view from its query and derives its fields. The CREATE VIEW goes
   * through a prepared statement, so the query can only ever be one statement.
   */
  private async defineView(tx: Executor, old: CollectionModel | undefined, model: CollectionModel, registry: CollectionRegistry): Promise<void> {
    const query = String(model.viewQuery).trim().replace(/;\s*$/, '');
    if (old) await tx.exec(`DROP VIEW IF EXISTS ${q(old.name)}`);
    let columns;
    try {
      columns = await tx.columns(query);
      await tx.run(`CREATE VIEW ${q(model.name)} AS ${query}`);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw badRequest('Failed to save collection.', {
        viewQuery: fieldError('validation_invalid_view_query', `Invalid view query: ${(err as Error).message}.`),
      });
    }
    model.fields = deriveViewFields(columns, registry);
    if (!model.fields.some((f) => f.name === 'id'))
      throw badRequest('Failed to save collection.', { viewQuery: fieldError('validation_missing_view_id', 'The view query must return an "id" column.') });
    const errors: ErrorData = {};
    validateRuleExpressions(model, registry, errors);
    if (Object.keys(errors).length) throw badRequest('Failed to save collection.', errors);
  }

  /** Every view must still run after a change to the collections it reads. */
  private async checkViews(tx: Executor, changed: CollectionModel): Promise<void> {
    for (const view of this.registry.all()) {
      if (!view.isView || view.id === changed.id) continue;
      try {
        await tx.columns(String(view.model.viewQuery));
      } catch {
        throw badRequest(`The change would break the view collection "${view.name}"; change or delete that view first.`);
      }
    }
  }

  /** Runs DDL; a unique index the existing data cannot satisfy becomes a 400 naming the field. */
  private async applyDdl(tx: Executor, model: CollectionModel, statements: string[]): Promise<void> {
    for (const sql of statements) {
      try {
        await tx.exec(sql);
      } catch (err) {
        if (!(err instanceof UniqueViolation)) throw viewDependencyError(err) ?? err;
        const i = model.indexes.findIndex((s) => sql.includes(`INDEX "${parseIndex(s).name}"`));
        const columns = i >= 0 ? parseIndex(model.indexes[i]!).columns.map((c) => c.name).join(', ') : err.columns.join(', ');
        throw new ApiError(400, `Failed to save collection "${model.name}": field(s) "${columns}" already contain duplicate values, so the unique index cannot be created.`, {
          indexes: {
            [String(Math.max(i, 0))]: fieldError('validation_not_unique', `The unique index cannot be created: field(s) "${columns}" already contain duplicate values.`),
          },
        });
      }
    }
  }

  private afterChange(model: CollectionModel): void {
    this.registry.put(model);
    this.store.schemaChanged();
  }
}
