/**
 * The OAuth2 links of auth records (API spec 4.6), rows of the `_externalAuths`
 * system collection: one per (collection, provider, provider account), pointing at
 * the record that account signs in as.
 */
import type { Executor, Store } from '../../../store/store.js';
import { newRecordId } from '../../collections/ids.js';
import { nowDateTime } from '../../fields/datetime.js';
import { EXTERNAL_AUTHS } from '../../collections/defaults.js';

const TABLE = `"${EXTERNAL_AUTHS}"`;

export async function findLinkedRecordId(db: Executor, store: Store, collectionId: string, provider: string, providerId: string): Promise<string | undefined> {
  const p = store.dialect.placeholder;
  const row = await db.get(
    `SELECT "recordRef" FROM ${TABLE} WHERE "collectionRef" = ${p(1)} AND "provider" = ${p(2)} AND "providerId" = ${p(3)}`,
    [collectionId, provider, providerId]);
  return row ? String(row.recordRef) : undefined;
}

export async function insertLink(db: Executor, store: Store, link: { collectionId: string; recordId: string; provider: string; providerId: string }): Promise<void> {
  const p = store.dialect.placeholder;
  const now = nowDateTime();
  await db.run(
    `INSERT INTO ${TABLE} ("id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated") VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})` +
      // Two simultaneous first sign-ins of one account: the second link is a no-op, not a 500.
      ' ON CONFLICT DO NOTHING',
    [newRecordId(), link.collectionId, link.recordId, link.provider, link.providerId, now, now]);
}

/** Drops every OAuth2 link of a record (anti pre-hijacking; and when the record is deleted). */
export async function deleteLinksOf(db: Executor, store: Pick<Store, 'dialect'>, collectionId: string, recordId: string): Promise<void> {
  const p = store.dialect.placeholder;
  await db.run(`DELETE FROM ${TABLE} WHERE "collectionRef" = ${p(1)} AND "recordRef" = ${p(2)}`, [collectionId, recordId]);
}
