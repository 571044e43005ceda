/**
 * The counters behind sign-in protection: fixed windows per key (a window starts
 * at its key's first hit and lasts `windowMs`), shared by everything that counts
 * failures or mails. In process memory on SQLite (one process serves the
 * database), in an internal table on PostgreSQL so every instance sees the same
 * counts. Only sign-in and mail requests touch them.
 */
import type { Store } from '../../../store/store.js';
import { MemoryCounterStore } from './memory-counter-store.js';
import { PostgresCounterStore } from './postgres-counter-store.js';

export interface CounterStore {
  /** Adds a hit to the key's window (a new one when it has none or it ended); the count, this hit included. */
  hit(key: string, windowMs: number): Promise<number>;
  /** Takes one hit back from the key's live window (never below zero); nothing when it has none. */
  unhit(key: string): Promise<void>;
  /** The count of the key's live window; 0 when it has none. */
  read(key: string): Promise<number>;
  /** Forgets the keys' windows. */
  clear(keys: readonly string[]): Promise<void>;
}

/** The counter store for an engine: shared through the database on PostgreSQL, memory otherwise. */
export function counterStoreFor(store: Store): CounterStore {
  return store.dialect.name === 'postgres' ? new PostgresCounterStore(store) : new MemoryCounterStore();
}
