/**
 * Authorization header → RequestAuth. A missing, malformed, expired or wrongly
 * signed token is silently a guest (API spec 1.5); only routes that need auth say so.
 */
import type { CollectionService } from '../collections/collection-service.js';
import type { Store } from '../../store/store.js';
import { GUEST, type RequestAuth } from './request-auth.js';
import { readClaims, verifySignature } from './tokens.js';
import { findRecordById } from '../records/record-reader.js';
import { rowToValues } from '../records/serialize.js';

export function tokenFromHeader(header: string | undefined): string {
  if (!header) return '';
  return header.replace(/^bearer\s+/i, '').trim();
}

export async function resolveAuth(store: Store, collections: CollectionService, token: string): Promise<RequestAuth> {
  if (!token) return GUEST;
  const claims = readClaims(token);
  if (!claims || claims.type !== 'auth') return GUEST;
  const collection = collections.find(claims.collectionId);
  if (!collection || !collection.isAuth || collection.id !== claims.collectionId) return GUEST;
  const row = await findRecordById(store, collection, claims.id);
  if (!row) return GUEST;
  if (!verifySignature(token, collection, String(row.tokenKey), 'auth')) return GUEST;
  return { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers };
}
