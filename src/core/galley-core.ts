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
import { RecordChanges } from './records/record-changes.js';
import { FileService } from '../files/file-service.js';
import type { RecordDeps } from './records/deps.js';
import { SoloPubSub, type PubSub } from '../pubsub/pubsub.js';
import { PostgresPubSub } from '../pubsub/postgres-pubsub.js';

export class GalleyCore {
  readonly collections: CollectionService;
  readonly settings: SettingsService;
  /** The Mailer for the current SMTP settings (an embedding program may swap it). */
  mailerFor: MailerFactory = mailerFromSettings;
  /** Every committed record change of this instance (realtime listens here). */
  readonly changes = new RecordChanges();
  /** What record reads and writes need: store, collections and the change feed. */
  readonly recordDeps: RecordDeps;

  /** Uploaded files: the storage the settings pick (local disk or S3), thumbnails, cleanups. */
  readonly files: FileService;

  private constructor(readonly store: Store, dataDir: string) {
    this.collections = new CollectionService(store);
    this.settings = new SettingsService(store);
    this.files = new FileService(this.settings, dataDir);
    this.recordDeps = { store, collections: this.collections, changes: this.changes, files: this.files };
  }

  /** Messages to the other instances on the same database (none on SQLite). */
  pubsub: PubSub = new SoloPubSub();

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
    const core = new GalleyCore(store, config.dir);
    try {
      await core.collections.load();
      await core.settings.refresh();
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    if (config.db) {
      core.stopWatching = core.collections.watch(schemaPollMs);
      try {
        core.pubsub = await PostgresPubSub.connect(config.db);
      } catch (err) {
        await core.close();
        throw new ConfigError(`cannot listen for events on PostgreSQL: ${(err as Error).message} (${redactUrl(config.db)})`);
      }
    }
    return core;
  }

  async close(): Promise<void> {
    this.stopWatching?.();
    await this.pubsub.close();
    this.files.close();
    await this.store.close();
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
