/**
 * `POST /api/settings/test/email` (API spec 8.3): sends one of an auth collection's
 * email templates to an address, rendered for a stand-in record, so a superuser can
 * check the SMTP settings and the template together. Unlike the real flows, a
 * sending failure is reported: this is what the superuser is asking about.
 */
import { isEmail } from '../text-checks.js';
import { randomBytes } from 'node:crypto';
import type { Collection } from '../collections/collection.js';
import type { EmailTemplate } from '../collections/model.js';
import { badRequest, fieldError, required, type ErrorData } from '../errors.js';
import { newRecordId } from '../collections/ids.js';
import { valuesToRow } from '../records/record-writer.js';
import { sendRecordEmail, type EmailFlowDeps } from './email-flow-support.js';

const TEMPLATES: Record<string, (c: Collection) => { template: EmailTemplate; extra?: Record<string, string> }> = {
  verification: (c) => ({ template: c.model.verificationTemplate! }),
  'password-reset': (c) => ({ template: c.model.resetPasswordTemplate! }),
  'email-change': (c) => ({ template: c.model.confirmEmailChangeTemplate! }),
  otp: (c) => ({ template: c.model.otp!.emailTemplate, extra: { OTP: '123456', OTP_ID: 'TEST_OTP_ID' } }),
  'login-alert': (c) => ({ template: c.model.authAlert!.emailTemplate, extra: { ALERT_INFO: 'a test sign-in' } }),
};

export async function sendTestEmail(deps: EmailFlowDeps, body: Record<string, unknown>): Promise<void> {
  const errors: ErrorData = {};
  const email = typeof body.email === 'string' ? body.email.trim() : '';
  const template = typeof body.template === 'string' ? body.template : '';
  const collectionRef = typeof body.collection === 'string' && body.collection !== '' ? body.collection : '_superusers';
  if (email === '') errors.email = required();
  else if (email.length > 255 || !isEmail(email)) errors.email = fieldError('validation_is_email', 'Must be a valid email address.');
  if (template === '') errors.template = required();
  else if (!(template in TEMPLATES)) errors.template = fieldError('validation_in_invalid', `Must be one of: ${Object.keys(TEMPLATES).join(', ')}.`);
  const collection = deps.collections.find(collectionRef);
  if (!collection?.isAuth) errors.collection = fieldError('validation_invalid_collection', 'Must be an auth collection.');
  if (Object.keys(errors).length) throw badRequest('An error occurred while validating the submitted data.', errors);

  const { template: chosen, extra } = TEMPLATES[template]!(collection!);
  const standIn = valuesToRow(collection!, Object.fromEntries(collection!.fields.map((f) => [f.model.name, f.type.empty(f.model)])));
  Object.assign(standIn, { id: newRecordId(), email });
  try {
    await sendRecordEmail(deps, collection!, standIn, chosen, randomBytes(24).toString('base64url'), email, extra);
  } catch (err) {
    throw badRequest(`Failed to send the test email: ${(err as Error).message}`);
  }
}
