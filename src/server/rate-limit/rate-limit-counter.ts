/**
 * The counters behind the rate limiter: at most `max` hits per fixed window of
 * `windowMs` for a key, the window starting at the key's first hit. One interface,
 * two implementations: in process memory on SQLite (one process serves the
 * database), leased from a table every instance shares on PostgreSQL, so a rule
 * holds for the cluster and not per instance.
 */
import type { Store } from '../../store/store.js';
import { FixedWindowCounter } from './fixed-window.js';
import { LeasedCounter } from './leased-counter.js';

export interface RateLimitCounter {
  /**
   * Counts a hit; false when the key already had `max` hits in its current window.
   * Synchronous when it can decide locally (always in memory; on PostgreSQL while the
   * instance holds a lease for the key or knows the window is full).
   */
  hit(key: string, max: number, windowMs: number): boolean | Promise<boolean>;
}

/** The counter for an engine: shared through the database on PostgreSQL, memory otherwise. */
export function rateLimitCounterFor(store: Store, onError: (err: unknown) => void): RateLimitCounter {
  return store.dialect.name === 'postgres' ? new LeasedCounter(store, onError) : new FixedWindowCounter();
}
