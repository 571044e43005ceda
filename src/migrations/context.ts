/**
 * What a migration's `up`/`down` receives: the collections (through the same
 * validation as the API) and parameterised SQL, all on the migration's transaction.
 */
import type { Executor, Row, Store } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { TransactionStore } from '../store/transaction-store.js';
import { CollectionService } from '../core/collections/collection-service.js';
import type { CollectionModel } from '../core/collections/model.js';

export interface MigrationCollections {
  /** Creates a collection (the body of POST /api/collections); returns its definition. */
  create(input: Record<string, unknown>): Promise<CollectionModel>;
  /** Changes a collection (the body of PATCH /api/collections/:idOrName). */
  update(idOrName: string, input: Record<string, unknown>): Promise<CollectionModel>;
  delete(idOrName: string): Promise<void>;
  /** The definition of a collection; throws when there is none. */
  get(idOrName: string): CollectionModel;
  /** Undefined when there is no such collection. */
  find(idOrName: string): CollectionModel | undefined;
  list(): CollectionModel[];
  /** PUT /api/collections/import: every collection in the list created or updated, as one change. */
  import(collections: Record<string, unknown>[], deleteMissing?: boolean): Promise<void>;
}

export interface MigrationContext {
  /** The engine, for migrations that need engine-specific SQL. */
  readonly dialect: DialectName;
  /** The n-th (1-based) bind placeholder of the engine: `?` on SQLite, `$n` on PostgreSQL. */
  placeholder(n: number): string;
  /** Runs one statement with parameters; returns the number of changed rows. */
  sql(text: string, params?: readonly unknown[]): Promise<number>;
  /** All rows of a query. */
  all(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** The first row of a query, or undefined. */
  get(text: string, params?: readonly unknown[]): Promise<Row | undefined>;
  /** One or more statements without parameters (a DDL script). */
  exec(script: string): Promise<void>;
  readonly collections: MigrationCollections;
}

/**
 * A context on an open transaction. Collection changes go through their own
 * CollectionService over that transaction (its changes become savepoints), so they
 * commit or roll back with the migration; the app's service reloads after the commit.
 */
export async function createMigrationContext(tx: Executor, store: Store): Promise<MigrationContext> {
  const txStore = new TransactionStore(tx, store.dialect);
  const service = new CollectionService(txStore);
  await service.reload();
  const copy = (m: CollectionModel) => structuredClone(m);
  const collections: MigrationCollections = {
    create: async (input) => copy(await service.create(input)),
    update: async (idOrName, input) => copy(await service.update(idOrName, input)),
    delete: (idOrName) => service.delete(idOrName),
    get(idOrName) {
      const c = service.find(idOrName);
      if (!c) throw new Error(`collection "${idOrName}" does not exist`);
      return copy(c.model);
    },
    find: (idOrName) => {
      const c = service.find(idOrName);
      return c && copy(c.model);
    },
    list: () => service.registry.all().map((c) => copy(c.model)),
    import: (list, deleteMissing = false) => service.import(list, deleteMissing),
  };
  return {
    dialect: store.dialect.name,
    placeholder: (n) => store.dialect.placeholder(n),
    sql: (text, params = []) => tx.run(text, params),
    all: (text, params = []) => tx.all(text, params),
    get: (text, params = []) => tx.get(text, params),
    exec: (script) => tx.exec(script),
    collections,
  };
}
