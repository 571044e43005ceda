/**
 * The rows behind OTP sign-in (API spec 4.6, 5.7), in the internal `_otps` and
 * `_otpAttempts` tables (see definitions-table.ts). Codes are stored only as
 * argon2id hashes; attempts are rows, so the attempt cap is shared by every
 * instance using the database. Timestamps are Unix milliseconds; all SQL is
 * parameterised.
 */
import type { Row, Store } from '../../store/store.js';

/** PocketBase's window for the OTP attempt cap. */
export const ATTEMPT_WINDOW_MS = 180 * 1000;
/** The longest `otp.duration` a collection may set (validate.ts). */
const MAX_OTP_MS = 86400 * 1000;

export interface OtpRow {
  id: string;
  collectionId: string;
  recordId: string;
  hash: string;
  sentTo: string;
  created: number;
}

export async function insertOtp(store: Store, otp: OtpRow): Promise<void> {
  const p = store.dialect.placeholder;
  await store.run(
    `INSERT INTO "_otps" ("id", "collectionId", "recordId", "hash", "sentTo", "created") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
    [otp.id, otp.collectionId, otp.recordId, otp.hash, otp.sentTo, otp.created],
  );
}

export async function findOtp(store: Store, id: string): Promise<OtpRow | undefined> {
  if (id.includes('\0')) return undefined; // no id holds one, and PostgreSQL would refuse the parameter
  const row: Row | undefined = await store.get(
    `SELECT "id", "collectionId", "recordId", "hash", "sentTo", "created" FROM "_otps" WHERE "id" = ${store.dialect.placeholder(1)}`, [id]);
  if (!row) return undefined;
  return {
    id: String(row.id), collectionId: String(row.collectionId), recordId: String(row.recordId),
    hash: String(row.hash), sentTo: String(row.sentTo), created: Number(row.created), // bigint arrives as text on PostgreSQL
  };
}

/** Deletes one OTP; true only for the caller that actually removed it (so a code is used once). */
export async function deleteOtp(store: Store, id: string): Promise<boolean> {
  return (await store.run(`DELETE FROM "_otps" WHERE "id" = ${store.dialect.placeholder(1)}`, [id])) > 0;
}

/** Opportunistic cleanup: the collection's expired OTPs, and anything older than the longest allowed duration. */
export async function purgeExpiredOtps(store: Store, collectionId: string, durationSeconds: number, now = Date.now()): Promise<void> {
  const p = store.dialect.placeholder;
  await store.run(`DELETE FROM "_otps" WHERE ("collectionId" = ${p(1)} AND "created" < ${p(2)}) OR "created" < ${p(3)}`,
    [collectionId, now - durationSeconds * 1000, now - MAX_OTP_MS]);
}

/** Records one sign-in attempt for the record and returns how many it made within the window (this one included). */
export async function countAttempt(store: Store, collectionId: string, recordId: string, now = Date.now()): Promise<number> {
  const p = store.dialect.placeholder;
  const since = now - ATTEMPT_WINDOW_MS;
  await store.run(`DELETE FROM "_otpAttempts" WHERE "created" < ${p(1)}`, [since]);
  await store.run(`INSERT INTO "_otpAttempts" ("collectionId", "recordId", "created") VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [collectionId, recordId, now]);
  const row = await store.get(
    `SELECT COUNT(*) AS "n" FROM "_otpAttempts" WHERE "collectionId" = ${p(1)} AND "recordId" = ${p(2)} AND "created" >= ${p(3)}`,
    [collectionId, recordId, since]);
  return Number(row?.n ?? 0);
}

/** Forgets the record's attempts after a successful sign-in. */
export async function clearAttempts(store: Store, collectionId: string, recordId: string): Promise<void> {
  const p = store.dialect.placeholder;
  await store.run(`DELETE FROM "_otpAttempts" WHERE "collectionId" = ${p(1)} AND "recordId" = ${p(2)}`, [collectionId, recordId]);
}
