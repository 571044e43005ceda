/**
 * The application settings document (API spec 8.3): its sections, defaults, how a
 * PATCH applies, and the public JSON. Sections not modelled yet (batch, rateLimits,
 * trustedProxy, logs, ...) are added to SECTIONS; stored keys of unknown sections
 * are kept untouched so an older instance never drops a newer one's settings.
 */
import { badRequest, fieldError, type ErrorData } from '../errors.js';
import { metaSection, type MetaSettings } from './meta-settings.js';
import { smtpSection, type SmtpSettings } from './smtp-settings.js';
import { isPlainObject, type SettingsSection } from './settings-section.js';

export interface Settings {
  meta: MetaSettings;
  smtp: SmtpSettings;
  [section: string]: unknown;
}

const SECTIONS: SettingsSection<object>[] = [metaSection, smtpSection] as unknown as SettingsSection<object>[];

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
    if (input !== undefined && input !== null && !isPlainObject(input)) {
      errors[section.name] = fieldError('validation_invalid_value', 'Must be an object.');
      continue;
    }
    const sectionErrors: ErrorData = {};
    const merged = section.merge(current[section.name] as object, input, sectionErrors);
    Object.assign(sectionErrors, { ...section.validate(merged), ...sectionErrors });
    if (Object.keys(sectionErrors).length) errors[section.name] = sectionErrors;
    next[section.name] = merged;
  }
  if (Object.keys(errors).length) throw badRequest('An error occurred while submitting the form.', errors);
  return next as Settings;
}

/** The JSON shown to superusers: known sections only, secrets removed. */
export function publicSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) out[section.name] = section.toPublic(settings[section.name] as object);
  return out;
}
