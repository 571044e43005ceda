/**
 * Password sign-in and token refresh for auth collections (API spec 5.1, 5.3, 5.4);
 * password sign-in may be one step of MFA (5.6), refresh never is.
 * Wrong credentials always look the same, and an unknown identity costs the same
 * password-hashing work as a wrong password.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, badRequest, fieldError, forbidden, type ErrorData } from '../core/errors.js';
import type { Collection } from '../core/collections/collection.js';
import { quoteIdent } from '../store/dialect.js';
import { parseIndex } from '../core/collections/indexes.js';
import { verifyPassword } from '../core/auth/password.js';
import { upgradePasswordHash } from '../core/auth/password-upgrade.js';
import { readClaims } from '../core/auth/tokens.js';
import { selectList } from '../core/records/record-reader.js';
import type { Row } from '../store/store.js';
import { readBody } from '../server/body.js';
import { mfaIdFrom } from '../core/auth/mfa-flow.js';
import { authResponse } from './auth-response.js';
import { authCollectionOf } from './auth-collection.js';
import { signInAttempt } from './sign-in-guard.js';
import { unknownIdentity } from '../core/auth/protection/sign-in-protection.js';

const FAILED = 'Failed to authenticate.';

export function registerRecordAuthRoutes(app: FastifyInstance, core: GalleyCore): void {
  const authCollection = (request: FastifyRequest) => authCollectionOf(core, request);

  const respond = (collection: Collection, row: Row, request: FastifyRequest, token?: string) =>
    authResponse(core, collection, row, request, token === undefined ? {} : { token });

  app.post('/api/collections/:c/auth-with-password', async (request) => {
    const collection = authCollection(request);
    const options = collection.model.passwordAuth!;
    if (!options.enabled) throw forbidden('The collection is not configured to allow password authentication.');
    const { data } = await readBody(request);
    const errors: ErrorData = {};
    const identity = typeof data.identity === 'string' ? data.identity : '';
    const password = typeof data.password === 'string' ? data.password : '';
    const identityField = typeof data.identityField === 'string' ? data.identityField : '';
    if (identity === '') errors.identity = fieldError('validation_required', 'Cannot be blank.');
    else if (identity.length > 255) errors.identity = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
    if (password === '') errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (password.length > 255) errors.password = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
    if (identityField && !options.identityFields.includes(identityField))
      errors.identityField = fieldError('validation_in_invalid', 'Must be a valid value.');
    if (Object.keys(errors).length) throw badRequest('An error occurred while validating the submitted data.', errors);

    const row = await findByIdentity(core, collection, identity, identityField ? [identityField] : options.identityFields);
    // Counted before the hash is checked: a locked identity or IP costs no hashing (429).
    const attempt = signInAttempt(core, request, collection);
    await attempt.begin(row ? String(row.id) : unknownIdentity(identity));
    const ok = await verifyPassword(row?.password as string | undefined, password);
    if (!row || !ok) throw badRequest(FAILED);
    // A bcrypt hash imported from PocketBase becomes argon2id now that the password is known (tokenKey kept).
    await upgradePasswordHash(core.store, collection, String(row.id), String(row.password), password).catch(() => false);
    return attempt.settle(authResponse(core, collection, row, request, { context: 'password', mfa: { mfaId: mfaIdFrom(request.query, data) } }));
  });

  app.post('/api/collections/:c/auth-refresh', async (request) => {
    const collection = authCollection(request);
    const auth = request.auth;
    if (!auth.record) throw new ApiError(401, 'The request requires valid record authorization token.');
    if (auth.collection?.id !== collection.id) throw forbidden('The request requires valid record authorization token from this collection.');
    const token = String(request.headers.authorization ?? '').replace(/^bearer\s+/i, '').trim();
    const claims = readClaims(token);
    const row = await core.store.get(
      `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE "id" = ${core.store.dialect.placeholder(1)}`, [auth.record.id]);
    if (!row) throw new ApiError(401);
    return respond(collection, row, request, claims?.refreshable ? undefined : token);
  });
}

/** Looks the identity up in each identity field in turn (email first, when it looks like one). */
async function findByIdentity(core: GalleyCore, collection: Collection, identity: string, fields: string[]): Promise<Row | undefined> {
  const ordered = [...fields].sort((a, b) => (a === 'email' ? -1 : b === 'email' ? 1 : 0));
  const nocase = new Set(
    collection.model.indexes.map((s) => parseIndex(s)).filter((i) => i.unique && i.columns.length === 1 && (i.columns[0]!.nocase || i.columns[0]!.lower)).map((i) => i.columns[0]!.name),
  );
  const p = core.store.dialect.placeholder(1);
  if (identity.includes('\0')) return undefined; // matches nothing; PostgreSQL would refuse the parameter
  for (const name of ordered) {
    if (!collection.field(name)) continue;
    if (name === 'email' && !identity.includes('@') && ordered.length > 1) continue;
    const col = quoteIdent(name);
    const where = nocase.has(name) ? `lower(${col}) = lower(${p})` : `${col} = ${p}`;
    const row = await core.store.get(`SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE ${where} LIMIT 1`, [identity]);
    if (row) return row;
  }
  return undefined;
}
