/**
 * Checks a verification, password-reset or email-change token (API spec 5.12): the
 * claims (unverified) first, then the record of this collection, then the signature
 * with that record's tokenKey, then that the email it was issued for is still the
 * record's. Any failure is the field error clients see under `data.token`.
 */
import type { Executor, Row } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import { fieldError, type FieldError } from '../errors.js';
import { findRecordById } from '../records/record-reader.js';
import { readClaims, verifySignature, type TokenClaims, type TokenType } from './tokens.js';

export const invalidToken = () => fieldError('validation_invalid_token', 'Invalid or expired token.');

export type CheckedToken = { row: Row; claims: TokenClaims } | { error: FieldError };

export async function checkEmailToken(db: Executor, collection: Collection, token: unknown, type: TokenType): Promise<CheckedToken> {
  if (typeof token !== 'string' || token === '') return { error: fieldError('validation_required', 'Cannot be blank.') };
  const claims = readClaims(token);
  if (!claims || claims.type !== type) return { error: invalidToken() };
  if (claims.collectionId !== collection.id)
    return { error: fieldError('validation_token_collection_mismatch', 'The provided token is for different auth collection.') };
  const row = await findRecordById(db, collection, claims.id);
  if (!row || !verifySignature(token, collection, String(row.tokenKey), type)) return { error: invalidToken() };
  if (claims.email !== row.email) return { error: invalidToken() };
  return { row, claims };
}
