/**
 * PocketBase's settings into Galley's settings document, through SettingsService so
 * every section is merged and validated as a PATCH would be. A section Galley does not
 * have, or one it refuses, is reported as skipped and the rest is kept.
 */
import { SettingsService } from '../../core/settings/settings-service.js';
import { settingsFromStored, type Settings } from '../../core/settings/settings.js';
import { ApiError, isFieldError, type ErrorData } from '../../core/errors.js';
import type { Store } from '../../store/store.js';
import type { Skipped } from './import-collections.js';

export async function importSettings(txStore: Store, pb: Record<string, unknown>): Promise<{ settings: Settings; skipped: Skipped[] }> {
  const known = new Set(Object.keys(settingsFromStored(undefined)));
  const skipped: Skipped[] = [];
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pb)) {
    if (known.has(key)) patch[key] = value;
    else skipped.push({ name: `settings.${key}`, reason: 'Galley has no such settings section' });
  }
  const service = new SettingsService(txStore);
  try {
    return { settings: await service.update(patch), skipped };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
  // Section by section: the ones Galley refuses are reported, the others kept.
  let settings = await service.get();
  for (const [key, value] of Object.entries(patch)) {
    try {
      settings = await service.update({ [key]: value });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      skipped.push({ name: `settings.${key}`, reason: `refused by Galley: ${firstMessage(err.data) ?? err.message}` });
    }
  }
  return { settings, skipped };
}

function firstMessage(data: ErrorData, path: string[] = []): string | undefined {
  for (const [k, v] of Object.entries(data)) {
    if (isFieldError(v)) return `${[...path, k].join('.')}: ${v.message}`;
    const inner = firstMessage(v as ErrorData, [...path, k]);
    if (inner) return inner;
  }
  return undefined;
}
