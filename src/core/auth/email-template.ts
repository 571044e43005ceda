/**
 * Renders a collection's email template (API spec 4.2, 5.10): `{APP_NAME}`,
 * `{APP_URL}` (without a trailing slash), `{TOKEN}`, `{RECORD:<field>}` for the
 * record's non-hidden fields, and flow-specific extras such as `{OTP}` and `{OTP_ID}`. Values are HTML-escaped in the body, so a name a user
 * chose cannot inject markup into a mail sent in the application's name.
 */
import type { Collection } from '../collections/collection.js';
import type { EmailTemplate } from '../collections/model.js';
import type { MetaSettings } from '../settings/meta-settings.js';
import type { Row } from '../../store/store.js';
import { rowToValues } from '../records/serialize.js';

export interface RenderedEmail {
  subject: string;
  html: string;
}

export function renderEmailTemplate(template: EmailTemplate, meta: MetaSettings, collection: Collection, row: Row, token: string, extra: Record<string, string> = {}): RenderedEmail {
  const values: Record<string, string> = {
    '{APP_NAME}': meta.appName,
    '{APP_URL}': meta.appURL.replace(/\/+$/, ''),
    '{TOKEN}': token,
  };
  for (const [name, value] of Object.entries(extra)) values[`{${name}}`] = value;
  const record = rowToValues(collection, row);
  for (const f of collection.fields) {
    if (f.model.hidden) continue;
    const v = record[f.model.name];
    values[`{RECORD:${f.model.name}}`] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  const pattern = /\{[A-Z_]+\}|\{RECORD:\w+\}/g;
  // One pass, so a value that itself looks like a placeholder is never expanded.
  const fill = (text: string, escape: (s: string) => string) => text.replace(pattern, (m) => (m in values ? escape(values[m]!) : m));
  return { subject: fill(template.subject, (s) => s), html: fill(template.body, escapeHtml) };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
