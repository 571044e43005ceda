/** The Mailer the settings call for: SMTP when `smtp.enabled`, otherwise one that refuses every message. */
import type { SmtpSettings } from '../core/settings/smtp-settings.js';
import { DisabledMailer, type Mailer } from './mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

export type MailerFactory = (smtp: SmtpSettings) => Mailer;

export const mailerFromSettings: MailerFactory = (smtp) => (smtp.enabled ? new SmtpMailer(smtp) : new DisabledMailer());
