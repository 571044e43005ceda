/**
 * Authorization header → RequestAuth. A missing, malformed, expired or wrongly
 * signed token is silently a guest (API spec 1.5); only routes that need auth say so.
 */
import type { CollectionService } from '../collections/collection-service.js';
import type { Row, Store } from '../../store/store.js';
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
 * same token on every request: decoding and the MAC are skipped when the token, the
 * record's tokenKey and the collection (its secret) are the ones already checked. The
 * record itself is reused only while the store's data version says that nothing was
 * committed since it was read (SQLite; PostgreSQL reads it every time), so a changed
 * tokenKey, password or a deleted record still ends the session at once.
 */
interface Verified {
  claims: TokenClaims;
  collection: Collection;
  tokenKey: string;
  row: Row;
  /** The store's data version before the row was read. */
  version: number | undefined;
}
const MAX_VERIFIED = 10_000;
const verified = new Map<string, Verified>();

function remember(token: string, entry: Verified): void {
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  verified.set(token, entry);
}

export function resolveAuth(store: Store, collections: CollectionService, token: string): RequestAuth | Promise<RequestAuth> {
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
  // Read before the row: a commit in between then only makes the next request read again.
  const version = store.dataVersion();
  if (hit && hit.collection === collection && version !== undefined && hit.version === version) return authOf(collection, hit.row);
  return findRecordById(store, collection, claims.id).then((row) => {
    if (!row) return GUEST;
    const tokenKey = String(row.tokenKey);
    if (hit && hit.collection === collection && hit.tokenKey === tokenKey) {
      hit.row = row;
      hit.version = version;
    } else {
      if (!verifySignature(token, collection, tokenKey, 'auth')) return GUEST;
      remember(token, { claims, collection, tokenKey, row, version });
    }
    return authOf(collection, row);
  });
}

function authOf(collection: Collection, row: Row): RequestAuth {
  return { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers };
}
