/**
 * One-time-password sign-in (API spec 5.7). request-otp answers with an otpId at
 * once, for unknown emails too (a random one), and does the lookup, hashing and
 * mailing in the background, so neither its answer nor its timing tells which
 * emails exist. auth-with-otp checks the code against its argon2id hash, caps
 * attempts per record (counted in the database), deletes the used OTP and marks the
 * record verified when the code went to its current email. The code itself is only
 * ever in the mail: never in a response, a log line or the database.
 */
import { randomInt } from 'node:crypto';
import type { Collection } from '../collections/collection.js';
import { newRecordId } from '../collections/ids.js';
import { ApiError, badRequest, fieldError, forbidden, required, type ErrorData } from '../errors.js';
import type { Row } from '../../store/store.js';
import { findRecordById } from '../records/record-reader.js';
import { randomSecret } from '../collections/ids.js';
import { hashPassword, verifyPassword } from './password.js';
import { emailFromBody, findByEmail, inBackground, sendRecordEmail, throwIfErrors, updateAsSystem, type EmailFlowDeps } from './email-flow-support.js';
import { unknownIdentity, type SignInAttempt } from './protection/sign-in-protection.js';
import { clearAttempts, countAttempt, deleteOtp, findOtp, insertOtp, purgeExpiredOtps } from './otp-store.js';

export const INVALID_OTP = 'Invalid or expired OTP';
export const TOO_MANY_ATTEMPTS = 'Too many attempts, please try again later with a new OTP.';
/** More attempts than this per record within the window (otp-store.ts) are refused. */
export const MAX_ATTEMPTS = 5;

/** `length` decimal digits from the crypto RNG. */
export function newOtpCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

function otpOptions(collection: Collection) {
  const otp = collection.model.otp;
  if (!otp?.enabled) throw forbidden('The collection is not configured to allow OTP authentication.');
  return otp;
}

/** Starts an OTP sign-in; returns the otpId to answer with (a real one only when the email belongs to a record). */
export function requestOtp(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>): string {
  const otp = otpOptions(collection);
  const email = emailFromBody(body.email);
  const otpId = newRecordId();
  inBackground(deps, 'OTP email', async () => {
    const now = Date.now();
    await purgeExpiredOtps(deps.store, collection.id, otp.duration, now);
    const row = await findByEmail(deps.store, collection, email);
    if (!row) return;
    const code = newOtpCode(otp.length);
    const sentTo = String(row.email);
    await insertOtp(deps.store, { id: otpId, collectionId: collection.id, recordId: String(row.id), hash: await hashPassword(code), sentTo, created: now });
    await sendRecordEmail(deps, collection, row, otp.emailTemplate, '', sentTo, { OTP: code, OTP_ID: otpId });
  });
  return otpId;
}

/** Checks an OTP; returns the record row to sign in (verified when the code went to its email). */
export async function authWithOtp(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>, attempt?: SignInAttempt): Promise<Row> {
  const otpOpts = otpOptions(collection);
  const errors: ErrorData = {};
  const otpId = stringField(body.otpId, 255, errors, 'otpId');
  const password = stringField(body.password, 71, errors, 'password');
  throwIfErrors(errors);

  const invalid = () => badRequest(INVALID_OTP);
  const otp = await findOtp(deps.store, otpId);
  const known = otp !== undefined && otp.collectionId === collection.id;
  // Counted as a sign-in attempt of the record (protection/) before the code is checked.
  await attempt?.begin(known ? otp.recordId : unknownIdentity(`otp:${otpId}`));
  if (!otp || !known) {
    await verifyPassword(undefined, password); // the same hashing work as a wrong code
    throw invalid();
  }
  if ((await countAttempt(deps.store, collection.id, otp.recordId)) > MAX_ATTEMPTS) throw new ApiError(429, TOO_MANY_ATTEMPTS);
  if (Date.now() - otp.created > otpOpts.duration * 1000) {
    await deleteOtp(deps.store, otp.id);
    throw invalid();
  }
  if (!(await verifyPassword(otp.hash, password))) throw invalid();
  // Whoever deletes the row uses it: a code signs in once, even when raced.
  if (!(await deleteOtp(deps.store, otp.id))) throw invalid();

  let row = await findRecordById(deps.store, collection, otp.recordId);
  if (!row) throw invalid();
  await clearAttempts(deps.store, collection.id, otp.recordId);
  const verified = row.verified === true || row.verified === 1;
  if (!verified && otp.sentTo.toLowerCase() === String(row.email).toLowerCase()) {
    // Anti pre-hijacking: whoever created this unverified record with a password of their
    // choosing loses it once the real owner proves the address (unless MFA still
    // requires the password as the second factor).
    const password = randomSecret(30);
    const reset = collection.model.mfa?.enabled ? {} : { password, passwordConfirm: password };
    await updateAsSystem(deps, collection, otp.recordId, { verified: true, ...reset });
    row = (await findRecordById(deps.store, collection, otp.recordId)) ?? row;
  }
  return row;
}

/** A required string of at most `max` characters, else a field error under `key`. */
function stringField(value: unknown, max: number, errors: ErrorData, key: string): string {
  if (typeof value !== 'string' || value === '') {
    errors[key] = required();
    return '';
  }
  if (value.length > max) errors[key] = fieldError('validation_length_out_of_range', `The length must be between 1 and ${max}.`);
  return value;
}
