/**
 * Password reset (API spec 5.8): request-password-reset mails a `passwordReset`
 * token (at most once per record per resend window, and silently nothing for an
 * unknown email); confirm-password-reset sets the new password, which rotates the
 * record's tokenKey and so ends every token issued before, this one included.
 */
import type { Collection } from '../collections/collection.js';
import { badRequest, fieldError, required, type ErrorData } from '../errors.js';
import { checkEmailToken } from './email-token.js';
import { claimResendWindow } from './resend-window.js';
import { signRecordToken } from './tokens.js';
import { emailFromBody, findByEmail, inBackground, sendRecordEmail, throwIfErrors, updateAsSystem, type EmailFlowDeps } from './email-flow-support.js';

function requirePasswordAuth(collection: Collection): void {
  if (!collection.model.passwordAuth?.enabled) throw badRequest('The collection is not configured to allow password authentication.');
}

export async function requestPasswordReset(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>): Promise<void> {
  requirePasswordAuth(collection);
  const email = emailFromBody(body.email);
  inBackground(deps, 'password reset email', async () => {
    const row = await findByEmail(deps.store, collection, email);
    if (!row) return;
    if (!(await claimResendWindow(deps.store, `passwordReset:${collection.id}:${String(row.id)}`))) return;
    const token = await signRecordToken(collection, row as { id: string; tokenKey: string }, 'passwordReset', { email: row.email });
    await sendRecordEmail(deps, collection, row, collection.model.resetPasswordTemplate!, token, String(row.email));
  });
}

export async function confirmPasswordReset(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>): Promise<void> {
  requirePasswordAuth(collection);
  const errors: ErrorData = {};
  const checked = await checkEmailToken(deps.store, collection, body.token, 'passwordReset');
  if ('error' in checked) errors.token = checked.error;
  const password = typeof body.password === 'string' ? body.password : '';
  if (password === '') errors.password = required();
  if (body.passwordConfirm !== password) errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
  throwIfErrors(errors);
  if ('error' in checked) return;
  // The password field's own rules (length, pattern) are applied by the record writer.
  await updateAsSystem(deps, collection, String(checked.row.id), { password, passwordConfirm: password, verified: true });
}
