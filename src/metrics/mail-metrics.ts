/** A Mailer that counts what it sends and what fails into the metrics, and traces each message. */
import type { Mailer } from '../mail/mailer.js';
import { traced } from '../tracing/tracing.js';
import type { GalleyMetrics } from './galley-metrics.js';

export function countedMailer(inner: Mailer, metrics: GalleyMetrics): Mailer {
  return {
    async send(message) {
      try {
        await traced('mail send', { 'mail.recipients': message.to.length }, () => inner.send(message));
        metrics.mails.inc({ result: 'sent' });
      } catch (err) {
        metrics.mails.inc({ result: 'failed' });
        throw err;
      }
    },
  };
}
