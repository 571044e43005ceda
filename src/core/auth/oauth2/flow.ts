/**
 * `auth-with-oauth2` (API spec 5.5): validates the body, exchanges the code with the
 * provider, then resolves the record to sign in as — the one linked to the provider
 * account, else the caller's own record (already signed in to this collection), else
 * the one with the provider's verified email, else a new record created through the
 * normal create path (createRule applies, `@request.context` = `oauth2`).
 * Linking an unverified record resets its password and drops its other links (anti
 * pre-hijacking); a record whose email is the provider's verified email becomes
 * verified. Superusers are never created this way.
 */
import type { Collection } from '../../collections/collection.js';
import { randomSecret } from '../../collections/ids.js';
import { badRequest, fieldError, forbidden, type ErrorData } from '../../errors.js';
import type { Row } from '../../../store/store.js';
import type { AccessContext } from '../../rules/rule-access.js';
import { createRecord } from '../../records/record-writer.js';
import { findRecordById } from '../../records/record-reader.js';
import { findByEmail, updateAsSystem, type EmailFlowDeps } from '../email-flow-support.js';
import { readProvider, type ProviderConfig } from './providers.js';
import { fetchOAuth2User, type OAuth2User } from './client.js';
import { deleteLinksOf, findLinkedRecordId, insertLink } from './external-auths.js';
import { downloadAvatar, type DownloadedAvatar } from './avatar.js';
import type { FieldModel } from '../../fields/field.js';
import { maxFileSize } from '../../fields/file.js';

const FORM_ERROR = 'An error occurred while validating the submitted data.';

export interface OAuth2Input {
  provider: ProviderConfig;
  code: string;
  codeVerifier: string;
  redirectURL: string;
  createData: Record<string, unknown>;
}

export interface OAuth2Result {
  row: Row;
  meta: OAuth2User & { avatarUrl: string; isNew: boolean };
}

const isVerified = (row: Row) => row.verified === true || row.verified === 1;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** Checks that OAuth2 is enabled and the body names a configured provider and carries a code. */
export function readOAuth2Input(collection: Collection, body: Record<string, unknown>): OAuth2Input {
  const options = collection.model.oauth2;
  if (!options?.enabled) throw forbidden('The collection is not configured to allow OAuth2 authentication.');
  const errors: ErrorData = {};
  const name = text(body.provider);
  const raw = options.providers.find((p) => p.name === name);
  if (name === '') errors.provider = fieldError('validation_required', 'Cannot be blank.');
  else if (!raw) errors.provider = fieldError('validation_invalid_provider', `Provider with name ${JSON.stringify(name.slice(0, 50))} is missing or is not enabled.`);
  const code = text(body.code);
  if (code === '') errors.code = fieldError('validation_required', 'Cannot be blank.');
  const redirectURL = text(body.redirectURL) || text(body.redirectUrl);
  const createData = body.createData;
  if (createData !== undefined && createData !== null && (typeof createData !== 'object' || Array.isArray(createData)))
    errors.createData = fieldError('validation_invalid_value', 'Must be an object.');
  if (Object.keys(errors).length) throw badRequest(FORM_ERROR, errors);
  return { provider: readProvider(raw!), code, codeVerifier: text(body.codeVerifier), redirectURL, createData: (createData ?? {}) as Record<string, unknown> };
}

export async function authWithOAuth2(deps: EmailFlowDeps, collection: Collection, input: OAuth2Input, ctx: AccessContext): Promise<OAuth2Result> {
  const user = await fetchOAuth2User(input.provider, input.code, input.codeVerifier, input.redirectURL);
  const provider = input.provider.name;
  const { store } = deps;
  let isNew = false;
  let row: Row | undefined;
  let linked = false;

  const linkedId = await findLinkedRecordId(store, store, collection.id, provider, user.id);
  if (linkedId) {
    row = await findRecordById(store, collection, linkedId);
    if (row) linked = true;
    else await deleteLinksOf(store, store, collection.id, linkedId); // a link left by a deleted record
  }
  if (!row && ctx.auth.record && ctx.auth.collection?.id === collection.id) row = await findRecordById(store, collection, String(ctx.auth.record.id));
  let byEmail = false;
  if (!row && user.email) {
    row = await findByEmail(store, collection, user.email);
    byEmail = row !== undefined;
  }

  if (!row) {
    if (collection.isSuperusers) throw forbidden('Superusers cannot be created via OAuth2.');
    row = await createFromProvider(deps, collection, input.createData, user, ctx);
    isNew = true;
  } else if (byEmail && !isVerified(row)) {
    // Anti pre-hijacking: whoever created this unverified record must not keep access through it.
    const password = randomSecret(30);
    await updateAsSystem(deps, collection, String(row.id), { password, passwordConfirm: password });
    await deleteLinksOf(store, store, collection.id, String(row.id));
  }
  if (!linked) await insertLink(store, store, { collectionId: collection.id, recordId: String(row.id), provider, providerId: user.id });
  if (user.email && !isVerified(row) && String(row.email).toLowerCase() === user.email.toLowerCase())
    await updateAsSystem(deps, collection, String(row.id), { verified: true });
  row = (await findRecordById(store, collection, String(row.id)))!;
  return { row, meta: { ...user, avatarUrl: user.avatarURL, isNew } };
}

/** A new record from createData, the provider's email and mapped fields, with a random password. */
async function createFromProvider(deps: EmailFlowDeps, collection: Collection, createData: Record<string, unknown>, user: OAuth2User, ctx: AccessContext): Promise<Row> {
  const body: Record<string, unknown> = { ...createData };
  if (user.email && !text(body.email)) body.email = user.email;
  const mapped = collection.model.oauth2!.mappedFields;
  const map = (field: string, value: string) => {
    if (field && value && collection.field(field) && !(field in body)) body[field] = value;
  };
  map(mapped.name, user.name);
  map(mapped.username, user.username);
  map(mapped.id, user.id);
  const password = randomSecret(30);
  body.password = password;
  body.passwordConfirm = password;
  const avatarField = mapped.avatarURL ? collection.field(mapped.avatarURL)?.model : undefined;
  if (!avatarField || !user.avatarURL || avatarField.name in body) return createRecord(deps, collection, body, ctx);
  if (avatarField.type !== 'file') {
    map(avatarField.name, user.avatarURL);
    return createRecord(deps, collection, body, ctx);
  }
  const avatar = await fetchAvatar(deps, avatarField, user.avatarURL);
  if (!avatar || !deps.withUploads) return createRecord(deps, collection, body, ctx);
  try {
    const file = { field: avatarField.name, filename: 'avatar', mimeType: avatar.mimeType, size: avatar.size, path: avatar.path };
    return await deps.withUploads(collection, body, [file], (b, files) => createRecord(deps, collection, b, ctx, files));
  } finally {
    await avatar.dispose();
  }
}

/** The provider's avatar, or undefined (logged) when it cannot be fetched: the sign-up goes on without it. */
async function fetchAvatar(deps: EmailFlowDeps, field: FieldModel, url: string): Promise<DownloadedAvatar | undefined> {
  const settings = await deps.settings.get();
  try {
    return await downloadAvatar(url, maxFileSize(field), settings.webhooks.allowedPrivateTargets);
  } catch (err) {
    deps.onMailError('OAuth2 avatar', err);
    return undefined;
  }
}
