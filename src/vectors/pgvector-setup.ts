/**
 * On PostgreSQL, when the core opens: is pgvector there? When the server offers the
 * extension (pg_available_extensions) it is created in the database (CREATE EXTENSION
 * IF NOT EXISTS vector); vector fields are then `vector(D)` columns. Otherwise (not
 * offered, or this database user may not create it) they fall back to `real[]`, and
 * the core warns on start when a collection has one.
 */
import type { Store } from '../store/store.js';
import { NO_FEATURES, setStoreFeatures, type StoreFeatures } from '../store/store-features.js';
import { errorText } from '../logs/logger.js';

export interface PgvectorCheck {
  features: StoreFeatures;
  /** Why vectors fall back to real[] (undefined with pgvector, or on SQLite). */
  fallbackReason?: string;
}

export async function detectStoreFeatures(store: Store): Promise<PgvectorCheck> {
  if (store.dialect.name !== 'postgres') return { features: NO_FEATURES };
  let check: PgvectorCheck;
  try {
    const installed = await store.get(`SELECT 1 AS "x" FROM pg_extension WHERE extname = 'vector'`);
    if (installed) check = { features: { pgvector: true } };
    else if (!(await store.get(`SELECT 1 AS "x" FROM pg_available_extensions WHERE name = 'vector'`)))
      check = { features: NO_FEATURES, fallbackReason: 'the pgvector extension is not installed on this PostgreSQL server' };
    else {
      try {
        await store.exec('CREATE EXTENSION IF NOT EXISTS vector');
        check = { features: { pgvector: true } };
      } catch (err) {
        // Another instance may have created it meanwhile; otherwise this user lacks the privilege.
        const now = await store.get(`SELECT 1 AS "x" FROM pg_extension WHERE extname = 'vector'`);
        check = now ? { features: { pgvector: true } } : { features: NO_FEATURES, fallbackReason: `CREATE EXTENSION vector failed: ${errorText(err)}` };
      }
    }
  } catch (err) {
    check = { features: NO_FEATURES, fallbackReason: `could not look for pgvector: ${errorText(err)}` };
  }
  setStoreFeatures(store, check.features);
  return check;
}

/** The start-up warning for collections with vector fields stored as real[]. */
export function fallbackWarning(check: PgvectorCheck, collectionsWithVectors: string[]): string | undefined {
  if (!check.fallbackReason || collectionsWithVectors.length === 0) return undefined;
  return `vector fields (in ${collectionsWithVectors.join(', ')}) are stored as real[] and searched without pgvector, ` +
    `which is much slower (see docs/ai.md, "PostgreSQL without pgvector"): ${check.fallbackReason}`;
}
