/**
 * Settings persistence: one JSON document in the internal `_params` table, read from
 * the database on every use (settings are read rarely: by the settings API and when
 * mail is sent), so every instance sharing the database sees the same settings.
 * A PATCH is a read-modify-write in one transaction, the row locked on PostgreSQL.
 *
 * The per-request checks (rate limits, trusted proxy, superuser IPs) cannot afford a
 * query per request: they use current(), an in-memory copy updated by this instance's
 * writes and re-read in the background when older than SNAPSHOT_MAX_AGE_MS, so another
 * instance's change applies here within about that delay.
 */
import type { Executor, Store } from '../../store/store.js';
import { applySettingsPatch, settingsFromStored, type Settings } from './settings.js';

const SETTINGS_KEY = 'settings';
export const SNAPSHOT_MAX_AGE_MS = 2000;

export class SettingsService {
  private snapshot: Settings = settingsFromStored(undefined);
  private snapshotAt = 0;
  private refreshing = false;

  constructor(private readonly store: Store) {}

  /** The cached settings (synchronous); starts a background re-read when stale. */
  current(): Settings {
    if (!this.refreshing && Date.now() - this.snapshotAt > SNAPSHOT_MAX_AGE_MS) {
      this.refreshing = true;
      this.refresh().then(
        () => { this.refreshing = false; },
        () => { this.refreshing = false; this.snapshotAt = Date.now(); }, // e.g. closing: keep the last copy, retry later
      );
    }
    return this.snapshot;
  }

  /** Re-reads the settings into the cache behind current(). */
  async refresh(): Promise<Settings> {
    return this.remember(await this.get());
  }

  private remember(settings: Settings): Settings {
    this.snapshot = settings;
    this.snapshotAt = Date.now();
    for (const listener of this.listeners) listener(settings);
    return settings;
  }

  private readonly listeners = new Set<(settings: Settings) => void>();

  /** Told of the settings each time they are read or written (to follow a section, e.g. the backup schedule). */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async get(db: Executor = this.store): Promise<Settings> {
    const row = await db.get(`SELECT "value" FROM "_params" WHERE "id" = ${this.store.dialect.placeholder(1)}`, [SETTINGS_KEY]);
    return settingsFromStored(row ? parseStored(String(row.value)) : undefined);
  }

  /** Applies a partial update and returns the new settings (a 400 with field errors when invalid). */
  async update(patch: Record<string, unknown>): Promise<Settings> {
    const p = this.store.dialect.placeholder;
    const next = await this.store.transaction(async (tx) => {
      await tx.run(`INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO NOTHING`, [SETTINGS_KEY, '{}']);
      const lock = this.store.dialect.name === 'postgres' ? ' FOR UPDATE' : '';
      const row = await tx.get(`SELECT "value" FROM "_params" WHERE "id" = ${p(1)}${lock}`, [SETTINGS_KEY]);
      const next = applySettingsPatch(settingsFromStored(parseStored(String(row?.value ?? '{}'))), patch);
      await tx.run(`UPDATE "_params" SET "value" = ${p(1)} WHERE "id" = ${p(2)}`, [JSON.stringify(next), SETTINGS_KEY]);
      return next;
    });
    return this.remember(next);
  }
}

function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a damaged document falls back to the defaults rather than failing every request
  }
}
