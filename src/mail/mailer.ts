/**
 * The Mailer interface: how Galley sends an email, whatever carries it. The SMTP
 * implementation is smtp-mailer.ts; mailerFromSettings() picks one from the settings.
 */

export interface MailAddress {
  name?: string;
  address: string;
}

export interface MailMessage {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  html: string;
  /** Plain-text alternative; derived from html when absent. */
  text?: string;
}

export interface Mailer {
  /** Resolves when the message was accepted for delivery; rejects with the reason otherwise. */
  send(message: MailMessage): Promise<void>;
}

/** Refuses every message: mail is not configured. */
export class DisabledMailer implements Mailer {
  async send(): Promise<void> {
    throw new MailError('SMTP is disabled in the settings (smtp.enabled is false); no email was sent');
  }
}

/** A failure to send; its message never carries credentials. */
export class MailError extends Error {
  override readonly name = 'MailError';
}
