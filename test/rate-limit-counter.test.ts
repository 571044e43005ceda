/**
 * The rate-limit counters (server/rate-limit/) through one shared suite: in memory
 * (SQLite), and leased from `_rateLimits` on PostgreSQL with three counters on
 * separate pools sharing one database, as three instances do.
 */
import { FixedWindowCounter } from '../src/server/rate-limit/fixed-window.js';
import { LeasedCounter } from '../src/server/rate-limit/leased-counter.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPgDatabase } from './support/galley.js';
import { rateLimitCounterSuite } from './support/rate-limit-counter-suite.js';

rateLimitCounterSuite('memory', async () => {
  const counter = new FixedWindowCounter();
  return { counters: [counter, counter, counter], close: async () => {} };
});

rateLimitCounterSuite('postgres', async () => {
  const url = await createPgDatabase();
  const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.connect(url)));
  const fail = (err: unknown) => { throw err; };
  return {
    counters: [new LeasedCounter(stores[0]!, fail), new LeasedCounter(stores[1]!, fail), new LeasedCounter(stores[2]!, fail)],
    close: async () => { for (const s of stores) await s.close(); },
  };
});
