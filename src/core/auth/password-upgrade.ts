/**
 * Rehashing a bcrypt password (imported from PocketBase) to argon2id after the
 * sign-in that proved it. Only the password column changes: the tokenKey stays, so
 * tokens issued before (by PocketBase or Galley) keep working.
 */
import type { Store } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import { quoteIdent } from '../../store/dialect.js';
import { hashPassword, needsRehash } from './password.js';

/**
 * Replaces the stored hash when it is not argon2id. Compare-and-set on the old hash,
 * so a password changed meanwhile is never overwritten. Returns true when it rehashed.
 */
export async function upgradePasswordHash(store: Store, collection: Collection, recordId: string, storedHash: string, plain: string): Promise<boolean> {
  if (!needsRehash(storedHash)) return false;
  const p = store.dialect.placeholder;
  const changed = await store.run(
    `UPDATE ${quoteIdent(collection.name)} SET "password" = ${p(1)} WHERE "id" = ${p(2)} AND "password" = ${p(3)}`,
    [await hashPassword(plain), recordId, storedHash],
  );
  return changed > 0;
}
