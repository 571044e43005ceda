/**
 * The sign-in protection counter stores (core/auth/protection/) through one shared
 * suite: in memory (SQLite), and in `_authCounters` on PostgreSQL with two stores on
 * separate pools sharing one database, as two instances do.
 */
import { MemoryCounterStore } from '../src/core/auth/protection/memory-counter-store.js';
import { PostgresCounterStore } from '../src/core/auth/protection/postgres-counter-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { ensureInternalTables } from '../src/core/collections/definitions-table.js';
import { createPgDatabase } from './support/galley.js';
import { counterStoreSuite } from './support/counter-store-suite.js';

counterStoreSuite('memory', async () => {
  const store = new MemoryCounterStore();
  return { stores: [store, store], close: async () => {} };
});

counterStoreSuite('postgres', async () => {
  const url = await createPgDatabase();
  const one = await PostgresStore.connect(url);
  const two = await PostgresStore.connect(url);
  await ensureInternalTables(one);
  return {
    stores: [new PostgresCounterStore(one), new PostgresCounterStore(two)],
    close: async () => {
      await one.close();
      await two.close();
    },
  };
});
