/**
 * File tokens (API spec 7.4): short-lived JWTs (`type: "file"`, 3 minutes by default,
 * the collection's fileToken secret) that grant access to protected files. They are
 * accepted only by the file download route, from `?token=`; resolveAuth refuses them
 * as Authorization tokens because their type is not "auth".
 */
import type { CollectionService } from '../collections/collection-service.js';
import type { Store } from '../../store/store.js';
import { GUEST, type RequestAuth } from './request-auth.js';
import { readClaims, signRecordToken, verifySignature } from './tokens.js';
import { findRecordById } from '../records/record-reader.js';
import { rowToValues } from '../records/serialize.js';

/** A file token for the authenticated record of `auth`. */
export function issueFileToken(auth: RequestAuth): Promise<string> {
  if (!auth.record || !auth.collection) throw new Error('a file token needs an authenticated record');
  return signRecordToken(auth.collection, { id: auth.record.id, tokenKey: auth.record.tokenKey }, 'file');
}

/** The record a file token was issued to; a guest for anything invalid, expired or revoked. */
export async function resolveFileToken(store: Store, collections: CollectionService, token: string): Promise<RequestAuth> {
  if (!token) return GUEST;
  const claims = readClaims(token);
  if (!claims || claims.type !== 'file') return GUEST;
  const collection = collections.find(claims.collectionId);
  if (!collection || !collection.isAuth || collection.id !== claims.collectionId) return GUEST;
  const row = await findRecordById(store, collection, claims.id);
  if (!row || !verifySignature(token, collection, String(row.tokenKey), 'file')) return GUEST;
  return { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers };
}
