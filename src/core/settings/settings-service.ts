/**
 * Settings persistence: one JSON document in the internal `_params` table, read from
 * the database on every use (settings are read rarely: by the settings API and when
 * mail is sent), so every instance sharing the database sees the same settings.
 * A PATCH is a read-modify-write in one transaction, the row locked on PostgreSQL.
 */
import type { Executor, Store } from '../../store/store.js';
import { applySettingsPatch, settingsFromStored, type Settings } from './settings.js';

const SETTINGS_KEY = 'settings';

export class SettingsService {
  constructor(private readonly store: Store) {}

  async get(db: Executor = this.store): Promise<Settings> {
    const row = await db.get(`SELECT "value" FROM "_params" WHERE "id" = ${this.store.dialect.placeholder(1)}`, [SETTINGS_KEY]);
    return settingsFromStored(row ? parseStored(String(row.value)) : undefined);
  }

  /** Applies a partial update and returns the new settings (a 400 with field errors when invalid). */
  async update(patch: Record<string, unknown>): Promise<Settings> {
    const p = this.store.dialect.placeholder;
    return this.store.transaction(async (tx) => {
      await tx.run(`INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO NOTHING`, [SETTINGS_KEY, '{}']);
      const lock = this.store.dialect.name === 'postgres' ? ' FOR UPDATE' : '';
      const row = await tx.get(`SELECT "value" FROM "_params" WHERE "id" = ${p(1)}${lock}`, [SETTINGS_KEY]);
      const next = applySettingsPatch(settingsFromStored(parseStored(String(row?.value ?? '{}'))), patch);
      await tx.run(`UPDATE "_params" SET "value" = ${p(1)} WHERE "id" = ${p(2)}`, [JSON.stringify(next), SETTINGS_KEY]);
      return next;
    });
  }
}

function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a damaged document falls back to the defaults rather than failing every request
  }
}
