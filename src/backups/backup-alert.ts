/**
 * Mail to every superuser when a backup fails or fails its verification (as PocketBase
 * mails "Autobackup failure"), through the mailer the SMTP settings configure. Without
 * SMTP, or when sending fails, the log line the backup service writes anyway is all
 * there is: an alert never makes the backup itself fail.
 */
import type { Store } from '../store/store.js';
import type { SettingsService } from '../core/settings/settings-service.js';
import type { Mailer } from '../mail/mailer.js';
import type { SmtpSettings } from '../core/settings/smtp-settings.js';

export type BackupAlert = (subject: string, text: string) => Promise<void>;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function mailSuperusers(store: Store, settings: SettingsService, mailer: (smtp: SmtpSettings) => Mailer): BackupAlert {
  return async (subject, text) => {
    const { smtp, meta } = settings.current();
    if (!smtp.enabled) return;
    const to = (await store.all('SELECT "email" FROM "_superusers"')).map((r) => String(r.email ?? '')).filter((e) => e !== '').map((address) => ({ address }));
    if (to.length === 0) return;
    await mailer(smtp).send({
      from: { name: meta.senderName, address: meta.senderAddress },
      to,
      subject: `${meta.appName}: ${subject}`,
      html: `<p>${escapeHtml(text)}</p>`,
    });
  };
}
