/**
 * Optional capabilities of the database behind a Store that change how Galley lays
 * out columns: today only whether PostgreSQL has the pgvector extension (vector
 * fields are then `vector(D)` columns, else `real[]`; docs/ai.md). Detected once when
 * the core opens a store, kept beside it, and handed to the DDL and to the records'
 * value conversion through each Collection.
 */
import type { Store } from './store.js';

export interface StoreFeatures {
  /** PostgreSQL with the `vector` extension installed in the database. */
  readonly pgvector: boolean;
}

export const NO_FEATURES: StoreFeatures = { pgvector: false };

const known = new WeakMap<Store, StoreFeatures>();

export const storeFeatures = (store: Store): StoreFeatures => known.get(store) ?? NO_FEATURES;

export function setStoreFeatures(store: Store, features: StoreFeatures): void {
  known.set(store, features);
}
