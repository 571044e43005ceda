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
import type { DataVersions } from '../versions/data-versions.js';

export function tokenFromHeader(header: string | undefined): string {
  if (!header) return '';
  return header.replace(/^bearer\s+/i, '').trim();
}

/**
 * What a token verified against, kept because a client sends the same token on every
 * request: decoding and the MAC are skipped when the token, the record's tokenKey and
 * the collection (its secret) are the ones already checked, and the record itself is
 * reused while the auth collection's local data version is the one it was read at.
 * That version moves at once with every committed change to the collection, from this
 * instance or (PostgreSQL) announced by another, so a changed tokenKey or password, a
 * deleted record or a changed field a rule reads takes effect from the next request.
 */
interface Verified {
  claims: TokenClaims;
  collection: Collection;
  tokenKey: string;
  row: Row;
  /** The collection's local data version before the row was read; undefined: read again. */
  stamp: string | undefined;
}
const MAX_VERIFIED = 10_000;

export class TokenCache {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly store: Store,
    private readonly collections: CollectionService,
    private readonly versions: DataVersions,
  ) {}

  resolve(token: string): RequestAuth | Promise<RequestAuth> {
    if (!token) return GUEST;
    const hit = this.verified.get(token);
    const claims = hit ? hit.claims : readClaims(token);
    if (!claims || claims.type !== 'auth') return GUEST;
    if (hit && claims.exp <= Date.now() / 1000) {
      this.verified.delete(token);
      return GUEST;
    }
    const collection = this.collections.find(claims.collectionId);
    if (!collection || !collection.isAuth || collection.id !== claims.collectionId) return GUEST;
    // Taken before the row is read: a commit in between then only makes the next request read again.
    const stamp = this.versions.localStamp([collection.id]);
    if (hit && hit.collection === collection && stamp !== undefined && hit.stamp === stamp) return authOf(collection, hit.row);
    return findRecordById(this.store, collection, claims.id).then((row) => {
      if (!row) return GUEST;
      const tokenKey = String(row.tokenKey);
      if (hit && hit.collection === collection && hit.tokenKey === tokenKey) {
        hit.row = row;
        hit.stamp = stamp;
      } else {
        if (!verifySignature(token, collection, tokenKey, 'auth')) return GUEST;
        this.remember(token, { claims, collection, tokenKey, row, stamp });
      }
      return authOf(collection, row);
    });
  }

  private remember(token: string, entry: Verified): void {
    if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, entry);
  }
}

function authOf(collection: Collection, row: Row): RequestAuth {
  return { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers };
}
