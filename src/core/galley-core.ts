/**
 * The core of one Galley instance: the store, the loaded collections, the settings and
 * the mailer they configure. Created by the CLI or by an embedding program; used by
 * the HTTP layer.
 */
import { mkdirSync, accessSync, constants } from 'node:fs';
import type { Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { CollectionService } from './collections/collection-service.js';
import { SettingsService } from './settings/settings-service.js';
import { mailerFromSettings, type MailerFactory } from '../mail/mailer-from-settings.js';
import { ConfigError, redactUrl, type GalleyConfig } from '../config.js';
import { RecordChanges } from './records/record-changes.js';
import { FileService } from '../files/file-service.js';
import type { RecordDeps } from './records/deps.js';
import { Hooks } from '../hooks/hooks.js';
import { AppContext } from './app-context.js';
import type { Mailer } from '../mail/mailer.js';
import type { SmtpSettings } from './settings/smtp-settings.js';
import { SoloPubSub, type PubSub } from '../pubsub/pubsub.js';
import { CronService } from '../cron/cron-service.js';
import { registerHousekeeping } from '../cron/housekeeping.js';
import { WebhookService } from '../webhooks/webhook-service.js';
import { JobQueue } from '../jobs/job-queue.js';
import { ExtractionService } from '../extraction/extraction-service.js';
import { EmbeddingService } from '../vectors/embedding-service.js';
import { ensureEmbeddingsTable } from '../vectors/embedding-table.js';
import { GalleyMetrics } from '../metrics/galley-metrics.js';
import { instrumentCore } from '../metrics/instrument-core.js';
import { countedMailer } from '../metrics/mail-metrics.js';
import { activeTracing } from '../tracing/tracing.js';
import { combineObservers } from '../store/store-observer.js';
import { SignInProtection } from './auth/protection/sign-in-protection.js';
import { counterStoreFor } from './auth/protection/counter-store.js';
import { ensureIdempotencyTable } from './idempotency/idempotency-keys.js';
import { LogService } from '../logs/log-service.js';
import type { LogStore } from '../logs/log-store.js';
import { SqliteLogStore } from '../logs/sqlite-log-store.js';
import { PostgresLogStore } from '../logs/postgres-log-store.js';
import { errorText, type Logger } from '../logs/logger.js';
import { BackupService } from '../backups/backup-service.js';
import { recoverCommittedRestore, recoverInterruptedRestore } from '../backups/restore-journal.js';
import { restoreCommitted } from '../backups/postgres-restorer.js';
import { registerBackupMetrics } from '../backups/backup-metrics.js';
import { mailSuperusers } from '../backups/backup-alert.js';
import type { DataVersions } from './versions/data-versions.js';
import { LocalDataVersions } from './versions/local-data-versions.js';
import { PostgresDataVersions } from './versions/postgres-data-versions.js';
import { CountCache } from './versions/count-cache.js';
import { TokenCache } from './auth/resolve-auth.js';
import type { VersionListener } from './versions/version-listener.js';
import { ensureChangeTriggers } from './versions/change-triggers.js';
import { ensureSearchIndexes } from '../search/postgres-search-repair.js';
import { detectStoreFeatures, fallbackWarning } from '../vectors/pgvector-setup.js';
import { upgradeArrayVectorColumns } from '../vectors/vector-columns.js';

export class GalleyCore {
  readonly collections: CollectionService;
  readonly settings: SettingsService;
  /** The Mailer for the current SMTP settings (an embedding program may swap it). */
  mailerFor: MailerFactory = mailerFromSettings;
  /** Every committed record change of this instance (realtime listens here). */
  readonly changes = new RecordChanges((err) => this.logger.error(`record change listener failed: ${errorText(err)}`));
  /** What record reads and writes need: store, collections, the change feed, files and hooks. */
  readonly recordDeps: RecordDeps;
  /** Every hookable event (record lifecycle, requests, mail, realtime, serve). */
  readonly hooks: Hooks;

  /** Uploaded files: the storage the settings pick (local disk or S3), thumbnails, cleanups. */
  readonly files: FileService;

  /** Cron jobs (built-in housekeeping included); scheduled once start() is called (`galley serve` does). */
  readonly crons: CronService;

  /** Webhooks (docs/webhooks.md): declarations, the outbox in record writes, the delivery worker (started by the HTTP app). */
  readonly webhooks: WebhookService;

  /** Durable jobs (docs/jobs.md): `_jobs`, claimed once per cluster; handlers run once the HTTP app starts the queue. */
  readonly jobs: JobQueue;

  /** Text extraction from uploaded files (docs/documents.md): pending on upload, a job per change, threads with limits. */
  readonly extraction: ExtractionService;

  /** Automatic embeddings of vector fields with a source (docs/ai.md): pending on a text change, a job per field, progress. */
  readonly embeddings: EmbeddingService;

  /** Failed sign-in and mail limits (docs/authentication.md), counted in memory or, on PostgreSQL, in the database. */
  readonly signInProtection: SignInProtection;

  /** Request and application logs (docs/observability.md): the store apart from the app's data, the settings gate, the cleanup job. */
  readonly logs: LogService;

  /** stdout and this instance's log store (hooks get it as `app.logger`). */
  readonly logger: Logger;

  /** Backups (docs/backups.md): snapshots, archives, verification, one at a time across the cluster. */
  readonly backups: BackupService;

  /** Per collection, a version that moves after every committed write, from any instance (list totals are cached on it). */
  readonly versions: DataVersions;

  /** List totals reused while the collections they counted are unchanged. */
  readonly counts: CountCache;

  /** Authorization tokens → the signed-in record, reused while its collection is unchanged. */
  readonly tokens: TokenCache;

  private versionListener: VersionListener | undefined;

  private constructor(readonly store: Store, dataDir: string, logStore: LogStore) {
    this.collections = new CollectionService(store);
    this.versions = store.dialect.name === 'postgres'
      ? new PostgresDataVersions(store, (id) => this.collections.find(id)?.isAuth ?? false)
      : new LocalDataVersions(() => store.externalVersion?.() ?? 0);
    this.counts = new CountCache(this.versions, this.collections.registry);
    this.tokens = new TokenCache(store, this.collections, this.versions);
    this.settings = new SettingsService(store);
    this.signInProtection = new SignInProtection(counterStoreFor(store), () => this.settings.current().authProtection);
    this.files = new FileService(this.settings, dataDir);
    this.hooks = new Hooks((deps) => new AppContext(this, deps ?? this.recordDeps));
    this.crons = new CronService(store);
    registerHousekeeping(this.crons, store, this.collections);
    this.webhooks = new WebhookService(store, this.collections, this.settings, this.changes, this.crons);
    this.jobs = new JobQueue(store);
    this.extraction = new ExtractionService(this.jobs, this.files, this.changes, () => this.recordDeps, this.collections);
    this.embeddings = new EmbeddingService(store, this.jobs, this.collections, this.settings, this.changes, () => this.recordDeps);
    this.logs = new LogService(logStore, this.settings, this.crons);
    this.logger = this.logs.logger;
    this.crons.log = (message) => this.logger.error(message);
    this.webhooks.log = (message) => this.logger.error(message);
    this.jobs.log = (message) => this.logger.error(message);
    this.embeddings.log = (message) => this.logger.warn(message);
    this.files.logWarning = (message) => this.logger.warn(message);
    this.backups = new BackupService(store, this.files, this.settings, dataDir);
    this.backups.log = (message) => this.logger.error(message);
    registerBackupMetrics(this.metrics, this.backups);
    this.backups.followSchedule(this.crons);
    this.backups.alert = mailSuperusers(store, this.settings, (smtp) => this.mailer(smtp));
    this.backups.reload = async () => {
      await this.collections.reload();
      await this.watchTableChanges();
      await this.embeddings.repairChunks(this.collections.registry.all());
      await this.settings.refresh();
      await this.webhooks.reload();
    };
    this.recordDeps = {
      store, collections: this.collections, files: this.files, lifecycle: this.embeddings.lifecycle(this.extraction.lifecycle(this.webhooks.lifecycle(this.hooks))), versions: this.versions,
      // Committed changes: to realtime (and other listeners), then the after-success hooks.
      changes: { emit: (changes) => { this.changes.emit(changes); return this.hooks.committed(changes); } },
    };
  }

  /**
   * PostgreSQL: every collection's table moves its data version, and an auth one announces its writes
   * to the sign-in caches, whoever makes them. A failure leaves Galley's own moves only. A search
   * index left without its triggers (an earlier Galley's, a restored dump) is rebuilt, and real[]
   * vector columns become pgvector's once it is there.
   */
  private async watchTableChanges(): Promise<void> {
    if (this.store.dialect.name !== 'postgres') return;
    try {
      await ensureChangeTriggers(this.store, this.collections.registry.all());
    } catch (err) {
      this.logger.warn(`could not add the data version triggers: ${errorText(err)}`);
    }
    try {
      const rebuilt = await ensureSearchIndexes(this.store, this.collections.registry.all());
      if (rebuilt.length) this.logger.info(`search index rebuilt for ${rebuilt.join(', ')}`);
    } catch (err) {
      this.logger.warn(`could not rebuild the search indexes: ${errorText(err)}`);
    }
    try {
      const upgraded = await upgradeArrayVectorColumns(this.store, this.collections.registry.all().map((c) => c.model));
      if (upgraded.length) this.logger.info(`vector columns now use pgvector: ${upgraded.join(', ')}`);
    } catch (err) {
      this.logger.warn(`could not convert real[] vector columns to pgvector: ${errorText(err)}`);
    }
  }

  /** Server-side access for code that is not a hook handler (routes, jobs, an embedding program). */
  app(): AppContext {
    return new AppContext(this, this.recordDeps);
  }

  /** The mailer for these SMTP settings, with the onMailerSend hooks around every message. */
  mailer(smtp: SmtpSettings): Mailer {
    const inner = countedMailer(this.mailerFor(smtp), this.metrics);
    if (this.hooks.onMailerSend.isEmpty()) return inner;
    return { send: (message) => this.hooks.onMailerSend.trigger({ app: this.app(), message }, (e) => inner.send(e.message)) };
  }

  /** Prometheus metrics of this instance (GET /api/metrics), collected unless switched off (GALLEY_METRICS=off). */
  readonly metrics = new GalleyMetrics();
  metricsEnabled = true;

  /** Messages to the other instances on the same database (none on SQLite). */
  pubsub: PubSub = new SoloPubSub();

  private stopWatching: (() => void) | undefined;

  /**
   * schemaPollMs: on PostgreSQL, how often to look for schema changes made by other
   * instances sharing the database.
   */
  static async open(config: Pick<GalleyConfig, 'dir' | 'db'> & Partial<Pick<GalleyConfig, 'metrics'>> & { dbPoolSize?: number }, schemaPollMs = 2000): Promise<GalleyCore> {
    prepareDataDir(config.dir);
    // A restore the process died in: its journal says whether to finish it or put the old data back.
    let recovered = recoverInterruptedRestore(config.dir);
    let store: Store;
    if (config.db) {
      try {
        // pg is loaded only for PostgreSQL (about 15 MiB), as the AWS SDK only for S3.
        const { PostgresStore } = await import('../store/postgres/postgres-store.js');
        store = await PostgresStore.connect(config.db, config.dbPoolSize);
      } catch (err) {
        throw new ConfigError(`${(err as Error).message} (${redactUrl(config.db)})`);
      }
      // A restore that died around its commit: the database says which data the files must match.
      const pg = store;
      const settled = await recoverCommittedRestore(config.dir, (marker) => restoreCommitted(pg, marker));
      if (settled !== 'none') recovered = settled;
    } else {
      try {
        store = SqliteStore.open(config.dir);
      } catch (err) {
        throw new ConfigError(`cannot open the SQLite database in ${config.dir}: ${(err as Error).message}`);
      }
    }
    // Before the collections load: vector columns depend on pgvector being there (docs/ai.md).
    const vectors = await detectStoreFeatures(store);
    let core: GalleyCore;
    try {
      // Logs live apart from the app's data: a file of their own on SQLite, a table every instance writes to on PostgreSQL.
      core = new GalleyCore(store, config.dir, config.db ? new PostgresLogStore(store, config.db) : new SqliteLogStore(config.dir));
    } catch (err) {
      await store.close().catch(() => {});
      throw new ConfigError(`cannot open the log database in ${config.dir}: ${(err as Error).message}`);
    }
    if (recovered !== 'none') core.logger.warn(`an interrupted restore was found and ${recovered}`);
    core.metricsEnabled = config.metrics ?? true;
    const tracer = activeTracing()?.storeObserver(store.dialect.name);
    const observers = [...(core.metricsEnabled ? [instrumentCore(core.metrics, core)] : []), ...(tracer ? [tracer] : [])];
    store.observe(combineObservers(observers));
    try {
      await core.logs.init();
      await core.collections.load();
      const withVectors = core.collections.registry.all().filter((c) => c.fields.some((f) => f.model.type === 'vector')).map((c) => c.name);
      const vectorWarning = fallbackWarning(vectors, withVectors);
      if (vectorWarning) core.logger.warn(vectorWarning);
      await core.watchTableChanges();
      core.collections.onChange(() => core.watchTableChanges());
      await core.settings.refresh();
      await core.webhooks.init();
      await ensureIdempotencyTable(store);
      await core.jobs.init();
      await ensureEmbeddingsTable(store);
      await core.embeddings.repairChunks(core.collections.registry.all());
    } catch (err) {
      await core.logs.close().catch(() => {});
      await store.close().catch(() => {});
      throw err;
    }
    if (config.db) {
      core.stopWatching = core.collections.watch(schemaPollMs);
      try {
        const [{ PostgresPubSub }, { VersionListener }] = await Promise.all([import('../pubsub/postgres-pubsub.js'), import('./versions/version-listener.js')]);
        const versions = core.versions as PostgresDataVersions;
        // Two connections of their own, opened side by side (each is a new server process to wait for).
        const [pubsub, listening] = await Promise.allSettled([
          PostgresPubSub.connect(config.db),
          VersionListener.listen(config.db, (ids) => versions.heard(ids), (connected) => versions.listenerConnected(connected), (message) => core.logger.warn(message)),
        ]);
        if (pubsub.status === 'fulfilled') core.pubsub = pubsub.value;
        if (listening.status === 'fulfilled') core.versionListener = listening.value;
        if (pubsub.status === 'rejected') throw pubsub.reason;
        if (listening.status === 'rejected') throw listening.reason;
        const listener = listening.value;
        versions.heardOwn = () => listener.sync();
        // Another instance's schema change is known the moment it commits, not at the next poll.
        core.pubsub.onSchemaChange(() => void core.collections.refresh().catch(() => {}));
      } catch (err) {
        await core.close();
        throw new ConfigError(`cannot listen for events on PostgreSQL: ${(err as Error).message} (${redactUrl(config.db)})`);
      }
    }
    return core;
  }

  async close(): Promise<void> {
    await this.crons.stop();
    await this.webhooks.stop();
    await this.jobs.stop();
    await this.extraction.close();
    this.stopWatching?.();
    await this.pubsub.close();
    await this.versionListener?.close();
    this.files.close();
    await this.logs.close().catch((err: unknown) => this.logger.warn(`closing the log store: ${errorText(err)}`));
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
