/**
 * Mailer over SMTP with nodemailer. One transport per message: mail is rare enough,
 * and the settings (which other instances may change) are read for every message.
 * `tls` is implicit TLS; otherwise STARTTLS is used when the server offers it.
 */
import type { SmtpSettings } from '../core/settings/smtp-settings.js';
import { MailError, type MailAddress, type Mailer, type MailMessage } from './mailer.js';

const TIMEOUT_MS = 30_000;

export class SmtpMailer implements Mailer {
  constructor(private readonly smtp: SmtpSettings) {}

  async send(message: MailMessage): Promise<void> {
    const s = this.smtp;
    // Loaded with the first mail (about 25 MiB together), not at start.
    const [{ default: nodemailer }, { convert }] = await Promise.all([import('nodemailer'), import('html-to-text')]);
    const transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.tls,
      name: s.localName || undefined,
      auth: s.username || s.password ? { user: s.username, pass: s.password } : undefined,
      authMethod: s.authMethod || undefined,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    try {
      await transport.sendMail({
        from: format(message.from),
        to: message.to.map(format),
        subject: message.subject,
        html: message.html,
        text: message.text ?? convert(message.html, { wordwrap: false }),
      });
    } catch (err) {
      // nodemailer's messages name the server and its reply, never the password.
      throw new MailError(`SMTP delivery to ${s.host}:${s.port} failed: ${(err as Error).message}`);
    } finally {
      transport.close();
    }
  }
}

const format = (a: MailAddress) => (a.name ? { name: a.name, address: a.address } : a.address);
