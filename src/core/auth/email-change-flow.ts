/**
 * Email change (API spec 5.9): an authenticated record asks for a new address and an
 * `emailChange` token is mailed to that address; confirming with the token and the
 * record's password sets the email and `verified` (and rotates the tokenKey, through
 * the record writer). Superusers change their email directly.
 */
import type { Collection } from '../collections/collection.js';
import { ApiError, badRequest, fieldError, forbidden, required, type ErrorData } from '../errors.js';
import type { RequestAuth } from './request-auth.js';
import { findRecordById } from '../records/record-reader.js';
import { verifyPassword } from './password.js';
import { checkEmailToken } from './email-token.js';
import { signRecordToken } from './tokens.js';
import { emailFromBody, findByEmail, inBackground, sendRecordEmail, throwIfErrors, updateAsSystem, type EmailFlowDeps } from './email-flow-support.js';

const emailExists = () => fieldError('validation_email_exists', 'User email already exists.');

/** `auth` must be a record of this collection (401 for guests, 403 for others). */
export async function requestEmailChange(deps: EmailFlowDeps, collection: Collection, auth: RequestAuth, body: Record<string, unknown>): Promise<void> {
  if (collection.isSuperusers) throw badRequest('All superusers can change their emails directly.');
  if (!auth.record) throw new ApiError(401, 'The request requires valid record authorization token.');
  if (auth.collection?.id !== collection.id) throw forbidden('The request requires valid record authorization token from this collection.');
  const newEmail = emailFromBody(body.newEmail, 'newEmail');
  const row = await findRecordById(deps.store, collection, String(auth.record.id));
  if (!row) throw badRequest(); // deleted since its token was resolved
  const fieldErr = collection.field('email')!.type.validate(newEmail, collection.field('email')!.model); // domain limits
  if (fieldErr) throwIfErrors({ newEmail: fieldErr });
  if (newEmail.toLowerCase() === String(row.email).toLowerCase())
    throwIfErrors({ newEmail: fieldError('validation_not_in_invalid', 'Must not be in list.') });
  if (await findByEmail(deps.store, collection, newEmail)) throwIfErrors({ newEmail: emailExists() });
  const token = await signRecordToken(collection, row as { id: string; tokenKey: string }, 'emailChange', { email: row.email, newEmail });
  inBackground(deps, 'email change confirmation', () =>
    sendRecordEmail(deps, collection, row, collection.model.confirmEmailChangeTemplate!, token, newEmail));
}

export async function confirmEmailChange(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>): Promise<void> {
  const errors: ErrorData = {};
  const checked = await checkEmailToken(deps.store, collection, body.token, 'emailChange');
  const password = typeof body.password === 'string' ? body.password : '';
  if ('error' in checked) errors.token = checked.error;
  else if (typeof checked.claims.newEmail !== 'string' || checked.claims.newEmail === '') errors.token = fieldError('validation_invalid_token', 'Invalid or expired token.');
  if (password === '') errors.password = required();
  else if (!('error' in checked) && !(await verifyPassword(checked.row.password as string, password)))
    errors.password = fieldError('validation_invalid_password', 'Missing or invalid auth record password.');
  throwIfErrors(errors);
  if ('error' in checked) return;
  const newEmail = checked.claims.newEmail as string;
  const holder = await findByEmail(deps.store, collection, newEmail);
  if (holder && holder.id !== checked.row.id) throwIfErrors({ token: emailExists() });
  await updateAsSystem(deps, collection, String(checked.row.id), { email: newEmail, verified: true });
}
