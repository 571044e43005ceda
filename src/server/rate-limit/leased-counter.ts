/**
 * The rate limiter's counter on PostgreSQL, shared by every instance on the database
 * without a round trip per request. The window of a key lives in the UNLOGGED table
 * `_rateLimits` (counters need no crash safety, so no WAL). An instance does not count
 * each hit there: it takes a lease of several hits at once (a quarter of what is left
 * in the window, at least one), spends it locally, and asks again when it is spent.
 * A lease is granted by an atomic upsert, so the leases of all instances together
 * never exceed the limit; when the table says the window is full the instance refuses
 * locally until the window ends, so a flood costs no round trips either. The keys that
 * need a lease while one batch is on its way go together in the next statement.
 *
 * Why leases rather than local counts synchronised now and then: between two
 * synchronisations every instance would admit on its own, and a burst spread over
 * three instances would pass three times the limit. A lease is admission granted in
 * advance: the cluster never admits more than the limit, and the leased hits are
 * spent by the next requests to that instance, so under continuing traffic none
 * are lost. Leases: about log(max)/log(4/3) per window and key for the whole cluster
 * at full rate, one per instance per window for a quiet key; round trips fewer, as
 * leases of many keys share one.
 * Times come from the database's clock, so instances whose clocks differ agree on
 * when a window ends.
 */
import type { Store } from '../../store/store.js';
import type { RateLimitCounter } from './rate-limit-counter.js';

/** A lease is 1/LEASE_DIVISOR of what is left in the window (rounded up). */
const LEASE_DIVISOR = 4;
const SWEEP_EVERY_MS = 60_000;
const NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

const TABLE =
  `CREATE UNLOGGED TABLE IF NOT EXISTS "_rateLimits" ("key" text PRIMARY KEY NOT NULL, "count" integer NOT NULL, ` +
  `"resetAt" bigint NOT NULL, "granted" integer NOT NULL, "max" integer NOT NULL, "windowMs" bigint NOT NULL)`;

/** The lease for `count` hits already taken of `max`: a share of what is left, never below zero. */
const grant = (max: string, count: string) => `GREATEST(0, (${max} - ${count} + ${LEASE_DIVISOR - 1}) / ${LEASE_DIVISOR})`;
// excluded."resetAt" - excluded."windowMs" is this statement's "now": a stored window that ended by then starts over.
const ENDED = `"r"."resetAt" <= excluded."resetAt" - excluded."windowMs"`;
/**
 * Leases for several keys in one statement ($1 keys, $2 windows, $3 limits; keys unique
 * and sorted, so two instances leasing overlapping keys lock rows in the same order).
 */
const LEASE =
  `INSERT INTO "_rateLimits" AS "r" ("key", "count", "resetAt", "granted", "max", "windowMs") ` +
  `SELECT "u"."k", ${grant('"u"."m"', '0')}, ${NOW} + "u"."w", ${grant('"u"."m"', '0')}, "u"."m", "u"."w" ` +
  `FROM unnest($1::text[], $2::bigint[], $3::int[]) WITH ORDINALITY AS "u"("k", "w", "m", "i") ORDER BY "u"."i" ` +
  `ON CONFLICT ("key") DO UPDATE SET ` +
  `"granted" = CASE WHEN ${ENDED} THEN excluded."granted" ELSE ${grant('excluded."max"', '"r"."count"')} END, ` +
  `"count" = CASE WHEN ${ENDED} THEN excluded."count" ELSE "r"."count" + ${grant('excluded."max"', '"r"."count"')} END, ` +
  `"resetAt" = CASE WHEN ${ENDED} THEN excluded."resetAt" ELSE "r"."resetAt" END, ` +
  `"max" = excluded."max", "windowMs" = excluded."windowMs" ` +
  `RETURNING "key", "count", "granted", "resetAt" - ${NOW} AS "left"`;
const SWEEP = `DELETE FROM "_rateLimits" WHERE "resetAt" <= ${NOW}`;

/** A key waiting for its lease in the next batch. */
interface Wanted {
  key: string;
  max: number;
  windowMs: number;
  done: (err?: unknown) => void;
}

interface Lease {
  /** Hits this instance may still admit in the window. */
  tokens: number;
  /** Local time the window ends. */
  endsAt: number;
  /** The window is full for the cluster: refuse once the tokens are spent. */
  full: boolean;
}

export class LeasedCounter implements RateLimitCounter {
  private readonly leases = new Map<string, Lease>();
  /** One lease request in flight per key; concurrent requests wait for it. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly queue: Wanted[] = [];
  private sending = false;
  private ready: Promise<void> | undefined;
  private nextSweep = 0;

  constructor(private readonly store: Store, private readonly onError: (err: unknown) => void) {}

  hit(key: string, max: number, windowMs: number): boolean | Promise<boolean> {
    const local = this.spend(key, Date.now());
    return local ?? this.hitRemote(key, max, windowMs);
  }

  /** Decided locally: a token spent, or a full window; undefined when a lease is needed. */
  private spend(key: string, now: number): boolean | undefined {
    const lease = this.leases.get(key);
    if (!lease || now >= lease.endsAt) return undefined;
    if (lease.tokens > 0) {
      lease.tokens--;
      return true;
    }
    return lease.full ? false : undefined;
  }

  private async hitRemote(key: string, max: number, windowMs: number): Promise<boolean> {
    // Each lease either grants at least one hit or says the window is full, so this ends.
    for (;;) {
      let request = this.pending.get(key);
      if (!request) {
        request = this.lease(key, max, windowMs).finally(() => this.pending.delete(key));
        this.pending.set(key, request);
      }
      try {
        await request;
      } catch (err) {
        // The database is unreachable: admit (a limiter must not take the API down with it).
        this.onError(err);
        return true;
      }
      const local = this.spend(key, Date.now());
      if (local !== undefined) return local;
    }
  }

  /**
   * Queues a lease request. Requests are sent in batches, one statement for all the keys
   * that wanted a lease while the previous batch was on its way: under many clients
   * (few requests per key and window) that is one round trip for many leases.
   */
  private lease(key: string, max: number, windowMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, max, windowMs, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.sending) void this.send();
    });
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        try {
          await this.leaseBatch(batch);
          for (const w of batch) w.done();
        } catch (err) {
          for (const w of batch) w.done(err);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async leaseBatch(batch: Wanted[]): Promise<void> {
    this.ready ??= this.createTable();
    await this.ready;
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    // One row per key: the statement may not touch a row twice.
    const wanted = new Map(batch.map((w) => [w.key, w]));
    const keys = [...wanted.values()];
    const rows = await this.store.all(LEASE, [keys.map((w) => w.key), keys.map((w) => Math.round(w.windowMs)), keys.map((w) => w.max)]);
    const received = Date.now();
    for (const row of rows) {
      const w = wanted.get(String(row.key));
      if (!w) continue;
      // A lease is asked for only when this instance's tokens are spent or their window ended.
      const endsAt = received + Math.min(w.windowMs, Number(row.left));
      this.leases.set(w.key, { tokens: Number(row.granted), endsAt, full: Number(row.count) >= w.max });
    }
  }

  private async createTable(): Promise<void> {
    try {
      await this.store.exec(TABLE);
    } catch (err) {
      // PostgreSQL's IF NOT EXISTS is not atomic: an instance creating it at the same moment makes it fail once.
      await this.store.exec(TABLE).catch(() => {
        this.ready = undefined;
        throw err;
      });
    }
  }

  /** Ended windows, here and in the table (in the background: no request waits for it). */
  private sweep(now: number): void {
    this.nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, lease] of this.leases) if (now >= lease.endsAt) this.leases.delete(key);
    this.store.run(SWEEP).catch(this.onError);
  }
}
