/**
 * Email verification (API spec 5.8): request-verification mails a `verification`
 * token to an unverified record; confirm-verification checks it and sets `verified`.
 * A request answers the same for unknown, already verified and recently mailed
 * records, so it reveals nothing about which emails exist.
 */
import type { Collection } from '../collections/collection.js';
import { badRequest } from '../errors.js';
import { checkEmailToken } from './email-token.js';
import { claimResendWindow } from './resend-window.js';
import { signRecordToken } from './tokens.js';
import { emailFromBody, findByEmail, inBackground, sendRecordEmail, throwIfErrors, updateAsSystem, type EmailFlowDeps } from './email-flow-support.js';

export async function requestVerification(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>): Promise<void> {
  if (collection.isSuperusers) throw badRequest('All superusers are verified by default.');
  const email = emailFromBody(body.email);
  inBackground(deps, 'verification email', async () => {
    const row = await findByEmail(deps.store, collection, email);
    if (!row || row.verified === true || row.verified === 1) return;
    if (!(await claimResendWindow(deps.store, `verification:${collection.id}:${String(row.id)}`))) return;
    const token = await signRecordToken(collection, row as { id: string; tokenKey: string }, 'verification', { email: row.email });
    await sendRecordEmail(deps, collection, row, collection.model.verificationTemplate!, token, String(row.email));
  });
}

export async function confirmVerification(deps: EmailFlowDeps, collection: Collection, body: Record<string, unknown>): Promise<void> {
  const checked = await checkEmailToken(deps.store, collection, body.token, 'verification');
  if ('error' in checked) return throwIfErrors({ token: checked.error });
  if (checked.row.verified === true || checked.row.verified === 1) return;
  await updateAsSystem(deps, collection, String(checked.row.id), { verified: true });
}
