/**
 * The pending MFA sessions (API spec 4.6 `_mfas`, 5.6) in the internal `_mfas`
 * table (see definitions-table.ts): which record passed which first auth method,
 * and when. Timestamps are Unix milliseconds; all SQL is parameterised.
 */
import type { Row, Store } from '../../store/store.js';

/** The longest `mfa.duration` a collection may set (validate.ts). */
const MAX_MFA_MS = 86400 * 1000;

export interface MfaRow {
  id: string;
  collectionId: string;
  recordId: string;
  method: string;
  created: number;
}

export async function insertMfa(store: Store, mfa: MfaRow): Promise<void> {
  const p = store.dialect.placeholder;
  await store.run(
    `INSERT INTO "_mfas" ("id", "collectionId", "recordId", "method", "created") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
    [mfa.id, mfa.collectionId, mfa.recordId, mfa.method, mfa.created],
  );
}

export async function findMfa(store: Store, id: string): Promise<MfaRow | undefined> {
  if (id.includes('\0')) return undefined; // no id holds one, and PostgreSQL would refuse the parameter
  const row: Row | undefined = await store.get(
    `SELECT "id", "collectionId", "recordId", "method", "created" FROM "_mfas" WHERE "id" = ${store.dialect.placeholder(1)}`, [id]);
  if (!row) return undefined;
  return {
    id: String(row.id), collectionId: String(row.collectionId), recordId: String(row.recordId),
    method: String(row.method), created: Number(row.created), // bigint arrives as text on PostgreSQL
  };
}

/** Deletes one MFA session; true only for the caller that actually removed it (so a session completes once). */
export async function deleteMfa(store: Store, id: string): Promise<boolean> {
  return (await store.run(`DELETE FROM "_mfas" WHERE "id" = ${store.dialect.placeholder(1)}`, [id])) > 0;
}

/** Opportunistic cleanup: the collection's expired sessions, and anything older than the longest allowed duration. */
export async function purgeExpiredMfas(store: Store, collectionId: string, durationSeconds: number, now = Date.now()): Promise<void> {
  const p = store.dialect.placeholder;
  await store.run(`DELETE FROM "_mfas" WHERE ("collectionId" = ${p(1)} AND "created" < ${p(2)}) OR "created" < ${p(3)}`,
    [collectionId, now - durationSeconds * 1000, now - MAX_MFA_MS]);
}
