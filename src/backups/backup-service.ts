/**
 * Backups of one Galley instance: create (a snapshot of the database through the
 * engine's SnapshotSource, the uploaded files present at that moment, then one zip with
 * its manifest), the automatic verification after each one, list, upload, delete,
 * restore (through the engine's DatabaseRestorer), and the scheduled backups of the
 * `backups` settings. Everything runs under the cluster-wide BackupLock, so only one backup or restore
 * runs at a time. Work files go to `<dataDir>/.galley_tmp/` (the disk the archives end
 * on, so storing one is a rename) and are removed however the work ends.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import type { FileService } from '../files/file-service.js';
import type { SettingsService } from '../core/settings/settings-service.js';
import { badRequest, fieldError, notFound } from '../core/errors.js';
import { BackupLock } from './backup-lock.js';
import { isBackupKey, LocalBackupStorage, type BackupInfo, type BackupStorage } from './backup-storage.js';
import { S3BackupStorage } from './s3-backup-storage.js';
import { ensureGalleyTables } from './galley-tables.js';
import { S3FileStorage } from '../files/s3-file-storage.js';
import { copyFiles, listStorage } from '../import/pocketbase/copy-files.js';
import type { SnapshotSource } from './snapshot-source.js';
import { inspectSqliteSnapshot, SqliteSnapshotSource } from './sqlite-snapshot.js';
import { inspectPostgresSnapshot, PostgresSnapshotSource } from './postgres-snapshot.js';
import { fileSource, writeArchive, type ArchiveSource } from './archive-writer.js';
import { verifyArchive, type Verification } from './verify.js';
import { ArchiveError, readArchive } from './archive-reader.js';
import { inspectionChecks } from './verify.js';
import type { BackupAlert } from './backup-alert.js';
import type { CronService } from '../cron/cron-service.js';
import type { BackupsSettings } from '../core/settings/backups-settings.js';
import { RestoreError, type DatabaseRestorer } from './database-restorer.js';
import { importPocketBaseArchive, isPocketBaseArchive, verifyPocketBaseArchive } from './pocketbase-backup.js';
import type { DialectName } from '../store/dialect.js';
import { SqliteRestorer } from './sqlite-restorer.js';
import { PostgresRestorer } from './postgres-restorer.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

/** PocketBase's scheduled backup job and the names of its archives. */
const AUTO_BACKUP_JOB = '__pbAutoBackup__';
const AUTO_PREFIX = '@auto_pb_backup_';

/** PocketBase's rule for a backup name given by a client. */
const NAME = /^[a-z0-9_-]+\.zip$/;

export const GALLEY_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A backup that could not be written (PocketBase's 400 "Failed to create backup."); nothing was stored. */
export class BackupFailedError extends Error {}

export interface BackupListItem {
  key: string;
  size: number;
  modified: string;
  /** Galley's extra: the last verification of this archive, when there was one. */
  verification?: Verification;
}

export class BackupService {
  readonly lock: BackupLock;
  readonly source: SnapshotSource;
  /** Where a failed verification is reported (the core points it at its logger). */
  log: (message: string) => void = (m) => process.stderr.write(`${m}\n`);
  /** Mails the superusers about a failed backup or verification (set by the core; a failure to send is logged). */
  alert: BackupAlert = async () => {};
  /** Reloads what the core keeps of the data (collections, settings, webhooks) after a restore; set by the core. */
  reload: () => Promise<void> = async () => {};
  /** Called after a restore (realtime disconnects its clients so they reconnect to the restored state). */
  private readonly restoredListeners = new Set<() => void>();
  private readonly restorer: DatabaseRestorer;

  constructor(private readonly store: Store, private readonly files: FileService, private readonly settings: SettingsService, readonly dataDir: string) {
    this.lock = new BackupLock(store);
    this.source = store.dialect.name === 'postgres' ? new PostgresSnapshotSource(store) : new SqliteSnapshotSource(dataDir);
    this.restorer = store instanceof SqliteStore ? new SqliteRestorer(store, dataDir) : new PostgresRestorer(store, dataDir);
  }

  private storageCache: { signature: string; storage: BackupStorage } | undefined;

  /** Where the archives are: the `backups.s3` bucket when enabled (shared by every instance), else `DATA_DIR/backups`. */
  get storage(): BackupStorage {
    const s3 = this.settings.current().backups.s3;
    const signature = s3.enabled ? JSON.stringify(s3) : 'local';
    if (this.storageCache?.signature !== signature) {
      const previous = this.storageCache?.storage;
      this.storageCache = { signature, storage: s3.enabled ? new S3BackupStorage(s3) : new LocalBackupStorage(join(this.dataDir, 'backups')) };
      // Requests still reading through the old client finish first.
      if (previous instanceof S3BackupStorage) setTimeout(() => previous.close(), 60_000).unref();
    }
    return this.storageCache.storage;
  }

  onRestored(listener: () => void): () => void {
    this.restoredListeners.add(listener);
    return () => this.restoredListeners.delete(listener);
  }

  /**
   * Replaces the live data with the backup's: the archive is extracted to a scratch
   * folder and checked as a verification does, and only then swapped in; the core
   * reloads collections and settings, and the restored data must answer before the
   * previous data is removed (otherwise it is put back). Any failure before the swap
   * is a RestoreError and nothing changed.
   */
  async restore(key: string): Promise<void> {
    if (!isBackupKey(key) || !(await this.storage.stat(key))) throw notFound('Missing or invalid backup file.');
    const restorer = this.restorer;
    await this.lock.run(async () => {
      const scratch = await this.scratchDir('restore_');
      try {
        const path = await this.storage.localCopy(key, scratch);
        if (!path) throw notFound('Missing or invalid backup file.');
        const extracted = join(scratch, 'new');
        let from: DialectName = 'sqlite';
        // A PocketBase backup goes through the PocketBase import into a Galley SQLite copy first.
        if (await isPocketBaseArchive(path)) await importPocketBaseArchive(path, scratch, extracted);
        else from = await checkedGalleyArchive(path, extracted);
        try {
          await restorer.swap(extracted, join(scratch, 'old'), from);
        } catch (err) {
          if (err instanceof RestoreError) throw err;
          throw new RestoreError(`putting the restored data in place failed, nothing changed (${(err as Error).message})`);
        }
        try {
          // A backup older than some internal table lacks it; the running modules created theirs only once.
          await ensureGalleyTables(this.store);
          await this.reload();
          await this.filesBackToS3();
          await this.answers();
        } catch (err) {
          await restorer.undo();
          await this.reload();
          throw new RestoreError(`the restored data did not answer, the previous data is back (${(err as Error).message})`);
        }
        await restorer.finish();
        for (const listener of this.restoredListeners) listener();
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
  }

  /**
   * The restored settings keep uploaded files on S3: the backup's files (swapped into
   * the local `storage/` with the database) go back into that bucket, under the same
   * keys (thumbnails are made again on demand), through the PocketBase import's copier.
   */
  private async filesBackToS3(): Promise<void> {
    const storage = this.files.storage();
    if (!(storage instanceof S3FileStorage)) return;
    const ids = new Set((await this.store.all('SELECT "id" FROM "_collections"')).map((r) => String(r.id)));
    const plan = listStorage(this.dataDir, ids);
    await copyFiles(storage, plan.files, [], () => {});
  }

  /** Releases the S3 client of the archives' bucket, if one was made. */
  close(): void {
    const storage = this.storageCache?.storage;
    if (storage instanceof S3BackupStorage) storage.close();
  }

  /** The restored app's health check: the database answers and the auth collections are there. */
  private async answers(): Promise<void> {
    const row = await this.store.get('SELECT count(*) AS "n" FROM "_collections"');
    if (!row || Number(row.n) === 0) throw new Error('no collections');
    await this.store.get('SELECT count(*) AS "n" FROM "_superusers"');
  }

  /**
   * Follows `backups.cron`: the `__pbAutoBackup__` job (once per cluster, as every
   * scheduled job) is registered, moved or removed whenever the settings show a new
   * schedule. Returns the unsubscribe.
   */
  followSchedule(crons: CronService): () => void {
    let scheduled = '';
    const apply = ({ cron }: BackupsSettings) => {
      if (cron === scheduled) return;
      scheduled = cron;
      if (cron === '') crons.unregister(AUTO_BACKUP_JOB);
      else crons.register(AUTO_BACKUP_JOB, cron, () => this.autoBackup());
    };
    // The core's open reads the settings after this: the stored schedule arrives as a change.
    return this.settings.onChange((settings) => apply(settings.backups));
  }

  /** A scheduled backup (`@auto_pb_backup_…`, a name only the server gives), then the oldest automatic ones beyond cronMaxKeep go. */
  async autoBackup(): Promise<void> {
    try {
      await this.create(undefined, AUTO_PREFIX);
    } catch (err) {
      // create() logged and mailed a failed backup; another one running is only logged.
      if (!(err instanceof BackupFailedError)) this.log(`scheduled backup skipped: ${(err as Error).message}`);
      return;
    }
    const keep = this.settings.current().backups.cronMaxKeep;
    if (keep <= 0) return;
    const autos = (await this.storage.list()).filter((b) => b.key.startsWith(AUTO_PREFIX)).sort((a, b) => b.modified.getTime() - a.modified.getTime());
    for (const old of autos.slice(keep)) await this.storage.delete(old.key);
  }

  /** True when no backup or restore runs (here or on another instance). */
  async canBackup(): Promise<boolean> {
    return !(await this.lock.busy());
  }

  async list(): Promise<BackupListItem[]> {
    const infos = await this.storage.list();
    const items = await Promise.all(infos.map(async (info) => this.item(info)));
    return items.sort((a, b) => b.modified.localeCompare(a.modified));
  }

  private async item(info: BackupInfo): Promise<BackupListItem> {
    const meta = await this.storage.readMeta(info.key);
    const verification = meta?.verification as Verification | undefined;
    return { key: info.key, size: info.size, modified: info.modified.toISOString().replace('T', ' '), ...(verification ? { verification } : {}) };
  }

  /** A backup named `name` (PocketBase's default name when absent); returns its key once stored and verified. */
  async create(name?: string, prefix = 'pb_backup_'): Promise<string> {
    const key = name ?? this.defaultName(prefix);
    if (name !== undefined) await this.checkNewName(name);
    return this.lock.run(async () => {
      const scratch = await this.scratchDir('backup_');
      try {
        const archive = join(scratch, 'archive.zip');
        try {
          await this.writeBackup(join(scratch, 'snapshot'), archive);
          await this.storage.put(key, archive);
        } catch (err) {
          this.log(`backup ${key} failed: ${(err as Error).message}`);
          await this.sendAlert('Backup failure', `The backup ${key} failed: ${(err as Error).message}`);
          throw new BackupFailedError(`Failed to create backup: ${(err as Error).message}.`);
        }
        await this.verifyStored(key);
        return key;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
  }

  private async writeBackup(snapshotDir: string, archive: string): Promise<void> {
    await mkdir(snapshotDir, { recursive: true });
    // Deletions wait until the files are in the zip: a file deleted meanwhile still makes it in.
    const release = this.files.holdDeletes();
    try {
      const snapshot = await this.source.take(snapshotDir);
      const storage = this.files.storage();
      const uploads: ArchiveSource[] = [];
      for (const id of snapshot.collectionIds) {
        for (const key of (await storage.list(`${id}/`)).sort()) {
          const info = await storage.stat(key);
          // Written after the snapshot: no record of the snapshot refers to it.
          if (!info || info.lastModified > snapshot.takenAt) continue;
          uploads.push({
            path: `storage/${key}`,
            open: async () => {
              const stream = await storage.read(key);
              if (!stream) throw new Error(`the uploaded file ${key} disappeared during the backup`);
              return stream;
            },
          });
        }
      }
      await writeArchive(archive, [...snapshot.files.map((f) => fileSource(f.path, f.file)), ...uploads], {
        galleyVersion: GALLEY_VERSION,
        createdAt: snapshot.takenAt.toISOString(),
        engine: this.source.engine,
        schemaVersion: snapshot.schemaVersion,
        tables: snapshot.tables,
      });
    } finally {
      await release();
    }
  }

  /** Verifies a stored archive and keeps the result beside it; a failure is logged. */
  async verify(key: string): Promise<Verification> {
    if (!isBackupKey(key) || !(await this.storage.stat(key))) throw notFound('Missing or invalid backup file.');
    return this.verifyStored(key);
  }

  private async verifyStored(key: string): Promise<Verification> {
    const scratch = await this.scratchDir('');
    let verification: Verification;
    try {
      const path = await this.storage.localCopy(key, scratch);
      if (!path) throw notFound('Missing or invalid backup file.');
      verification = await verifyArchive(path, scratch, this.store.dialect.name === 'postgres' ? this.store : undefined);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    await this.storage.writeMeta(key, { verification });
    if (!verification.ok) {
      const failed = verification.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ');
      this.log(`backup ${key} failed verification: ${failed}`);
      await this.sendAlert('Backup verification failure', `The backup ${key} failed its verification: ${failed}`);
    }
    return verification;
  }

  private async sendAlert(subject: string, text: string): Promise<void> {
    try {
      await this.alert(subject, text);
    } catch (err) {
      this.log(`mailing the superusers about a backup failed: ${(err as Error).message}`);
    }
  }

  /** Stores an uploaded archive (a local file) under key, after checking it reads as a backup. */
  async upload(file: string, key: string): Promise<void> {
    if (!isBackupKey(key) || !key.endsWith('.zip'))
      throw badRequest('An error occurred while validating the submitted data.', { file: fieldError('validation_invalid_name', 'The file name must end in .zip and use only letters, digits, "_", "-", "." and "@".') });
    if (await this.storage.stat(key)) throw badRequest('An error occurred while validating the submitted data.', { file: fieldError('validation_backup_name_exists', 'The backup file name is invalid or already exists.') });
    await this.lock.run(async () => {
      if (await isPocketBaseArchive(file)) await this.checkPocketBaseUpload(file);
      else await readArchive(file);
      await this.storage.put(key, file);
      await this.verifyStored(key);
    });
  }

  /** A zip with a data.db and no manifest is kept only when that data.db is PocketBase data. */
  private async checkPocketBaseUpload(file: string): Promise<void> {
    const scratch = await this.scratchDir('upload_');
    try {
      const failed = (await verifyPocketBaseArchive(file, scratch)).find((c) => !c.ok);
      if (failed) throw new ArchiveError(`the archive has no manifest.json, so it is not a Galley backup, and it is not a PocketBase backup either (${failed.detail})`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async delete(key: string): Promise<void> {
    if (!isBackupKey(key) || !(await this.storage.stat(key))) throw notFound('Missing or invalid backup file.');
    await this.lock.run(() => this.storage.delete(key));
  }

  private async checkNewName(name: string): Promise<void> {
    const invalid = name.length > 150 || !NAME.test(name);
    if (invalid || (await this.storage.stat(name)))
      throw badRequest('An error occurred while validating the submitted data.', {
        name: invalid ? fieldError('validation_match_invalid', 'Must be in a valid format.') : fieldError('validation_backup_name_exists', 'The backup file name is invalid or already exists.'),
      });
  }

  /** pb_backup_<app name>_<UTC YYYYMMDDHHMMSS>.zip, as PocketBase names them (`@auto_pb_backup_…` when scheduled). */
  private defaultName(prefix: string): string {
    const app = this.settings.current().meta.appName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 50);
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return `${prefix}${app ? `${app}_` : ''}${stamp}.zip`;
  }

  private async scratchDir(prefix: string): Promise<string> {
    const root = join(this.dataDir, '.galley_tmp');
    await mkdir(root, { recursive: true });
    return mkdtemp(join(root, prefix || 'work_'));
  }
}

/**
 * Extracts a Galley archive under extracted and checks it as a verification does, by
 * the engine it was taken on (restoring into the other one converts it); returns that
 * engine. A failed check is a RestoreError.
 */
async function checkedGalleyArchive(path: string, extracted: string): Promise<DialectName> {
  const manifest = await readArchive(path, { extractTo: extracted });
  let failed: string[];
  try {
    const inspection = manifest.engine === 'sqlite' ? await inspectSqliteSnapshot(extracted) : await inspectPostgresSnapshot(extracted);
    failed = inspectionChecks(manifest, inspection).filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  } catch (err) {
    failed = [`the database copy cannot be read: ${(err as Error).message}`];
  }
  if (failed.length) throw new RestoreError(`the backup failed verification (${failed.join('; ')})`);
  return manifest.engine;
}
