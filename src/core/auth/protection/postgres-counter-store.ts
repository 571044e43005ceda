/**
 * Fixed-window counters in the internal `_authCounters` table (definitions-table.ts),
 * shared by every instance on the database. A hit is one atomic upsert that starts a
 * new window when the stored one has ended, so concurrent hits from any instance are
 * all counted. Times come from the database's clock, so instances whose clocks differ
 * still agree on when a window ends. Ended windows are deleted at most once a minute
 * per instance, on a hit.
 */
import type { Store } from '../../../store/store.js';
import type { CounterStore } from './counter-store.js';

const SWEEP_EVERY_MS = 60_000;
const NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

const HIT =
  `INSERT INTO "_authCounters" AS "c" ("key", "count", "resetAt") VALUES ($1, 1, ${NOW} + $2::bigint) ` +
  `ON CONFLICT ("key") DO UPDATE SET ` +
  // excluded."resetAt" - $2 is this statement's "now".
  `"count" = CASE WHEN "c"."resetAt" <= excluded."resetAt" - $2::bigint THEN 1 ELSE "c"."count" + 1 END, ` +
  `"resetAt" = CASE WHEN "c"."resetAt" <= excluded."resetAt" - $2::bigint THEN excluded."resetAt" ELSE "c"."resetAt" END ` +
  `RETURNING "count"`;
const UNHIT = `UPDATE "_authCounters" SET "count" = "count" - 1 WHERE "key" = $1 AND "count" > 0 AND "resetAt" > ${NOW}`;
const READ = `SELECT "count" FROM "_authCounters" WHERE "key" = $1 AND "resetAt" > ${NOW}`;
const CLEAR = `DELETE FROM "_authCounters" WHERE "key" = ANY($1::text[])`;
const SWEEP = `DELETE FROM "_authCounters" WHERE "resetAt" <= ${NOW}`;

export class PostgresCounterStore implements CounterStore {
  private nextSweep = 0;

  constructor(private readonly store: Store) {}

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    if (now >= this.nextSweep) {
      this.nextSweep = now + SWEEP_EVERY_MS;
      await this.store.run(SWEEP);
    }
    const row = await this.store.get(HIT, [key, Math.round(windowMs)]);
    return Number(row?.count ?? 0);
  }

  async unhit(key: string): Promise<void> {
    await this.store.run(UNHIT, [key]);
  }

  async read(key: string): Promise<number> {
    const row = await this.store.get(READ, [key]);
    return Number(row?.count ?? 0);
  }

  async clear(keys: readonly string[]): Promise<void> {
    if (keys.length) await this.store.run(CLEAR, [keys]);
  }
}
