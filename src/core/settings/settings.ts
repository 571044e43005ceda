/**
 * The application settings document (API spec 8.3): its sections, defaults, how a
 * PATCH applies, and the public JSON. Sections not modelled yet are added to SECTIONS; stored keys of unknown sections
 * are kept untouched so an older instance never drops a newer one's settings.
 */
import { badRequest, fieldError, isFieldError, type ErrorData } from '../errors.js';
import { metaSection, type MetaSettings } from './meta-settings.js';
import { smtpSection, type SmtpSettings } from './smtp-settings.js';
import { rateLimitSection, type RateLimitSettings } from './rate-limit-settings.js';
import { trustedProxySection, type TrustedProxySettings } from './trusted-proxy-settings.js';
import { superuserIpsSection, type SuperuserIps } from './superuser-ips-settings.js';
import { s3Section, type S3Settings } from './s3-settings.js';
import { batchSection, type BatchSettings } from './batch-settings.js';
import { logsSection, type LogsSettings } from './logs-settings.js';
import { webhooksSection, type WebhooksSettings } from './webhooks-settings.js';
import { authProtectionSection, type AuthProtectionSettings } from './auth-protection-settings.js';
import { backupsSection, type BackupsSettings } from './backups-settings.js';
import { embeddingsSection, type EmbeddingsSettings } from './embeddings-settings.js';
import { aiSection, type AiSettings } from './ai-settings.js';
import { isPlainObject, type SettingsSection } from './settings-section.js';

export interface Settings {
  meta: MetaSettings;
  smtp: SmtpSettings;
  rateLimits: RateLimitSettings;
  trustedProxy: TrustedProxySettings;
  superuserIPs: SuperuserIps;
  s3: S3Settings;
  batch: BatchSettings;
  logs: LogsSettings;
  webhooks: WebhooksSettings;
  authProtection: AuthProtectionSettings;
  backups: BackupsSettings;
  embeddings: EmbeddingsSettings;
  ai: AiSettings;
  [section: string]: unknown;
}

const SECTIONS: SettingsSection<object>[] = [
  metaSection, smtpSection, s3Section, backupsSection, batchSection, rateLimitSection, trustedProxySection, logsSection, superuserIpsSection, webhooksSection, authProtectionSection,
  embeddingsSection, aiSection,
] as unknown as SettingsSection<object>[];

/** Settings from their stored JSON (or defaults), every known section complete. */
export function settingsFromStored(stored: unknown): Settings {
  const base: Record<string, unknown> = isPlainObject(stored) ? { ...stored } : {};
  for (const section of SECTIONS) base[section.name] = section.merge(section.defaults(), base[section.name], {});
  return base as Settings;
}

/** The current settings with a PATCH body applied; a 400 with field errors (data.smtp.host) when invalid. */
export function applySettingsPatch(current: Settings, patch: Record<string, unknown>): Settings {
  const next: Record<string, unknown> = { ...current };
  const errors: ErrorData = {};
  for (const section of SECTIONS) {
    const input = patch[section.name];
    const isArray = section.shape === 'array';
    if (input !== undefined && input !== null && (isArray ? !Array.isArray(input) : !isPlainObject(input))) {
      errors[section.name] = fieldError('validation_invalid_value', isArray ? 'Must be an array.' : 'Must be an object.');
      continue;
    }
    const sectionErrors: ErrorData = {};
    const merged = section.merge(current[section.name] as object, input, sectionErrors);
    mergeErrors(sectionErrors, section.validate(merged));
    if (Object.keys(sectionErrors).length) errors[section.name] = sectionErrors;
    next[section.name] = merged;
  }
  if (Object.keys(errors).length) throw badRequest('An error occurred while submitting the form.', errors);
  return next as Settings;
}

/** Adds `more` to `into` where `into` has no error yet (type errors from merge win over validation). */
function mergeErrors(into: ErrorData, more: ErrorData): void {
  for (const [key, value] of Object.entries(more)) {
    const existing = into[key];
    if (existing === undefined) into[key] = value;
    else if (!isFieldError(existing) && !isFieldError(value)) mergeErrors(existing, value);
  }
}

/** The JSON shown to superusers: known sections only, secrets removed. */
export function publicSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) out[section.name] = section.toPublic(settings[section.name] as object);
  return out;
}
