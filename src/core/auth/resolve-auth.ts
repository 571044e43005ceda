/**
 * Authorization header → RequestAuth. A missing, malformed, expired or wrongly
 * signed token is silently a guest (API spec 1.5); only routes that need auth say so.
 */
import type { CollectionService } from '../collections/collection-service.js';
import type { Store } from '../../store/store.js';
import { GUEST, type RequestAuth } from './request-auth.js';
import { readClaims, verifySignature, type TokenClaims } from './tokens.js';
import type { Collection } from '../collections/collection.js';
import { findRecordById } from '../records/record-reader.js';
import { rowToValues } from '../records/serialize.js';

export function tokenFromHeader(header: string | undefined): string {
  if (!header) return '';
  return header.replace(/^bearer\s+/i, '').trim();
}

/**
 * Tokens that verified recently, with what they verified against. A client sends the
 * same token on every request: the record is still read each time (a changed tokenKey
 * or a deleted record ends the session at once), but the decoding and the MAC are
 * skipped when the token, the record's tokenKey and the collection (its secret) are
 * the ones already checked.
 */
interface Verified {
  claims: TokenClaims;
  collection: Collection;
  tokenKey: string;
}
const MAX_VERIFIED = 10_000;
const verified = new Map<string, Verified>();

function remember(token: string, entry: Verified): void {
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  verified.set(token, entry);
}

export async function resolveAuth(store: Store, collections: CollectionService, token: string): Promise<RequestAuth> {
  if (!token) return GUEST;
  const hit = verified.get(token);
  const claims = hit ? hit.claims : readClaims(token);
  if (!claims || claims.type !== 'auth') return GUEST;
  if (hit && claims.exp <= Date.now() / 1000) {
    verified.delete(token);
    return GUEST;
  }
  const collection = collections.find(claims.collectionId);
  if (!collection || !collection.isAuth || collection.id !== claims.collectionId) return GUEST;
  const row = await findRecordById(store, collection, claims.id);
  if (!row) return GUEST;
  const tokenKey = String(row.tokenKey);
  if (!(hit && hit.collection === collection && hit.tokenKey === tokenKey)) {
    if (!verifySignature(token, collection, tokenKey, 'auth')) return GUEST;
    remember(token, { claims, collection, tokenKey });
  }
  return { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers };
}
