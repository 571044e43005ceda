/**
 * The OAuth2 links of auth records (API spec 4.6 `_externalAuths`), kept in the
 * internal `_externalAuths` table: one row per (collection, provider, provider
 * account), pointing at the record that account signs in as.
 */
import type { Executor, Store } from '../../../store/store.js';
import { newRecordId } from '../../collections/ids.js';

export async function findLinkedRecordId(db: Executor, store: Store, collectionId: string, provider: string, providerId: string): Promise<string | undefined> {
  const p = store.dialect.placeholder;
  const row = await db.get(
    `SELECT "recordId" FROM "_externalAuths" WHERE "collectionId" = ${p(1)} AND "provider" = ${p(2)} AND "providerId" = ${p(3)}`,
    [collectionId, provider, providerId]);
  return row ? String(row.recordId) : undefined;
}

export async function insertLink(db: Executor, store: Store, link: { collectionId: string; recordId: string; provider: string; providerId: string }): Promise<void> {
  const p = store.dialect.placeholder;
  await db.run(
    `INSERT INTO "_externalAuths" ("id", "collectionId", "recordId", "provider", "providerId", "created") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})` +
      // Two simultaneous first sign-ins of one account: the second link is a no-op, not a 500.
      ' ON CONFLICT ("collectionId", "provider", "providerId") DO NOTHING',
    [newRecordId(), link.collectionId, link.recordId, link.provider, link.providerId, Date.now()]);
}

/** Drops every OAuth2 link of a record (anti pre-hijacking, when an unverified record gets linked). */
export async function deleteLinksOf(db: Executor, store: Store, collectionId: string, recordId: string): Promise<void> {
  const p = store.dialect.placeholder;
  await db.run(`DELETE FROM "_externalAuths" WHERE "collectionId" = ${p(1)} AND "recordId" = ${p(2)}`, [collectionId, recordId]);
}
