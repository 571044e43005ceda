/**
 * The core of one Galley instance: the store, the loaded collections, the settings and
 * the mailer they configure. Created by the CLI or by an embedding program; used by
 * the HTTP layer.
 */
import { mkdirSync, accessSync, constants } from 'node:fs';
import type { Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { CollectionService } from './collections/collection-service.js';
import { SettingsService } from './settings/settings-service.js';
import { mailerFromSettings, type MailerFactory } from '../mail/mailer-from-settings.js';
import { ConfigError, redactUrl, type GalleyConfig } from '../config.js';

export class GalleyCore {
  readonly collections: CollectionService;
  readonly settings: SettingsService;
  /** The Mailer for the current SMTP settings (an embedding program may swap it). */
  mailerFor: MailerFactory = mailerFromSettings;

  private constructor(readonly store: Store) {
    this.collections = new CollectionService(store);
    this.settings = new SettingsService(store);
  }

  private stopWatching: (() => void) | undefined;

  /**
   * schemaPollMs: on PostgreSQL, how often to look for schema changes made by other
   * instances sharing the database.
   */
  static async open(config: Pick<GalleyConfig, 'dir' | 'db'>, schemaPollMs = 2000): Promise<GalleyCore> {
    prepareDataDir(config.dir);
    let store: Store;
    if (config.db) {
      try {
        store = await PostgresStore.connect(config.db);
      } catch (err) {
        throw new ConfigError(`${(err as Error).message} (${redactUrl(config.db)})`);
      }
    } else {
      try {
        store = SqliteStore.open(config.dir);
      } catch (err) {
        throw new ConfigError(`cannot open the SQLite database in ${config.dir}: ${(err as Error).message}`);
      }
    }
    const core = new GalleyCore(store);
    try {
      await core.collections.load();
      await core.settings.refresh();
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    if (config.db) core.stopWatching = core.collections.watch(schemaPollMs);
    return core;
  }

  close(): Promise<void> {
    this.stopWatching?.();
    return this.store.close();
  }
}

function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new ConfigError(`the data directory ${dir} cannot be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
