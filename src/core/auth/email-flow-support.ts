/**
 * What the auth email flows (verification, password reset, email change) share:
 * their dependencies, the lookup by email, background work whose failure is logged
 * and never reaches the client, rendering and sending a mail, and record updates made as the system.
 */
import { isEmail } from '../text-checks.js';
import type { Executor, Row } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import type { EmailTemplate } from '../collections/model.js';
import type { RecordDeps } from '../records/deps.js';
import type { IncomingFile, RecordFileHooks } from '../records/file-hooks.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { MailerFactory } from '../../mail/mailer-from-settings.js';
import { ApiError, badRequest, fieldError, required, type ErrorData } from '../errors.js';
import { quoteIdent } from '../../store/dialect.js';
import { selectList } from '../records/record-reader.js';
import { updateRecord } from '../records/record-writer.js';
import { systemAccess } from '../rules/rule-access.js';
import { SUPERUSER_SYSTEM } from './request-auth.js';
import { renderEmailTemplate } from './email-template.js';

export interface EmailFlowDeps extends RecordDeps {
  settings: SettingsService;
  mailerFor: MailerFactory;
  /** Told about every mail that could not be sent; `what` names the flow, never a token. */
  onMailError(what: string, err: unknown): void;
  /** Runs a record write with received files (file storage); without it files are dropped. */
  withUploads?(collection: Collection, body: Record<string, unknown>, files: IncomingFile[], write: (body: Record<string, unknown>, files?: RecordFileHooks) => Promise<Row>): Promise<Row>;
  /** The mail limit of the client's request (sign-in protection); without it every mail goes out (test mails, server-side code). */
  allowMail?(to: string): Promise<boolean>;
}

/** Why a request-* mail was dropped (logged through onMailError; the client's answer does not change). */
export const MAIL_LIMITED = 'the mail limit for this address or client IP was reached (authProtection settings)';

export const FORM_ERROR = 'An error occurred while validating the submitted data.';

/** A well-formed email address from a request body, else a 400 under `data[key]`. */
export function emailFromBody(value: unknown, key = 'email'): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (email === '') throw badRequest(FORM_ERROR, { [key]: required() });
  if (email.length > 255 || !isEmail(email)) throw badRequest(FORM_ERROR, { [key]: fieldError('validation_is_email', 'Must be a valid email address.') });
  return email;
}

/** The record with this email, compared case-insensitively. */
export function findByEmail(db: Executor, collection: Collection, email: string): Promise<Row | undefined> {
  const sql = collection.sql('byEmail', () =>
    `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE lower("email") = lower(${collection.dialect === 'sqlite' ? '?' : '$1'}) LIMIT 1`);
  return db.get(sql, [email]);
}

/**
 * Runs the part of a request-* flow that depends on whether the record exists in the
 * background: the request answers at once and the same way whatever happens, so its
 * timing says nothing about the email; a failure is only logged.
 */
export function inBackground(deps: EmailFlowDeps, what: string, task: () => Promise<void>): void {
  void task().catch((err: unknown) => deps.onMailError(what, err));
}

/** Renders the collection's template for the record (with any `extra` placeholders) and sends it to `to`. */
export async function sendRecordEmail(
  deps: EmailFlowDeps, collection: Collection, row: Row, template: EmailTemplate, token: string, to: string, extra: Record<string, string> = {},
): Promise<void> {
  if (deps.allowMail && !(await deps.allowMail(to))) throw new Error(MAIL_LIMITED);
  const settings = await deps.settings.get();
  const { subject, html } = renderEmailTemplate(template, settings.meta, collection, row, token, extra);
  await deps.mailerFor(settings.smtp).send({
    from: { name: settings.meta.senderName, address: settings.meta.senderAddress },
    to: [{ address: to }],
    subject,
    html,
  });
}

/** Updates a record as the system (no rule, no old password), reporting field errors under `message`. */
export async function updateAsSystem(deps: EmailFlowDeps, collection: Collection, id: string, body: Record<string, unknown>): Promise<void> {
  try {
    await updateRecord(deps, collection, id, body, systemAccess(deps.collections.registry, SUPERUSER_SYSTEM));
  } catch (err) {
    if (err instanceof ApiError && err.status === 400 && Object.keys(err.data).length) throw badRequest(FORM_ERROR, err.data);
    if (err instanceof ApiError && err.status === 404) throw badRequest(FORM_ERROR, { token: fieldError('validation_invalid_token', 'Invalid or expired token.') });
    throw err;
  }
}

export function throwIfErrors(errors: ErrorData): void {
  if (Object.keys(errors).length) throw badRequest(FORM_ERROR, errors);
}
