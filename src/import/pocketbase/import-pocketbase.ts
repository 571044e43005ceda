/**
 * `galley import pocketbase`: a PocketBase 0.23+ pb_data folder into a Galley target,
 * all or nothing. The source is read and checked completely first (version, settings
 * decryption) before the target is touched. Then everything the database holds —
 * collections, records, settings, `_migrations` — is written in ONE transaction of the
 * target store (SQLite and PostgreSQL both run DDL transactionally), files are copied
 * inside it, and the verification runs inside it too: any failure or mismatch rolls
 * the transaction back and deletes the files copied so far, and a target directory or
 * SQLite file the import created is removed again. A dry run does the same work and
 * always rolls back (copying no files; a new SQLite target is built in a temp folder).
 */
import { existsSync, mkdirSync, accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UniqueViolation, type Store } from '../../store/store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { redactUrl } from '../../config.js';
import { storageFromSettings } from '../../files/file-service.js';
import type { FileStorage } from '../../files/file-storage.js';
import { PbSource } from './source.js';
import { readPbSettings } from './settings-crypto.js';
import { skipReason } from './schema-map.js';
import { importCollections, transactionStore, type Skipped } from './import-collections.js';
import { copyRecords, type Progress } from './copy-records.js';
import { copyFiles, listStorage } from './copy-files.js';
import { importSettings } from './import-settings.js';
import { importMigrations, notExecuted } from './import-migrations.js';
import { checkMigrations, checkTable } from './verify.js';
import { ImportError } from './import-error.js';
import type { ImportReport } from './report.js';

export interface ImportOptions {
  /** The pb_data folder. */
  source: string;
  /** The target data directory (SQLite database and local files). */
  dir: string;
  /** A postgres:// URL; empty for SQLite in dir. */
  db: string;
  encryptionKey?: string;
  dryRun?: boolean;
  force?: boolean;
  progress?: Progress;
}

class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

export async function importPocketBase(opts: ImportOptions): Promise<ImportReport> {
  const progress = opts.progress ?? (() => {});
  const source = PbSource.open(opts.source);
  try {
    progress(`Reading ${source.dir}`);
    source.checkIntegrity();
    const pbSettings = readPbSettings(source.settingsValue(), opts.encryptionKey);
    const rows = source.collections();
    const migrations = source.migrations();
    const target = await openTarget(opts);
    const written: string[] = [];
    let storage: FileStorage | undefined;
    try {
      const report = await target.store.transaction(async (tx) => {
        const txStore = transactionStore(tx, target.store);
        const skipped: Skipped[] = rows.filter((r) => skipReason(r.name)).map((r) => ({ name: r.name, reason: skipReason(r.name)! }));
        progress('Creating collections');
        const result = await importCollections(txStore, rows.filter((r) => !skipReason(r.name)), opts.force ?? false);
        skipped.push(...result.skipped);
        const settings = await importSettings(txStore, pbSettings);
        skipped.push(...settings.skipped);
        await importMigrations(txStore, migrations);

        const tables = result.imported.filter((c) => !c.isView);
        const plan = listStorage(source.dir, new Set(tables.map((c) => c.id)));
        skipped.push(...plan.skipped);
        if (!opts.dryRun && plan.files.length) {
          progress(`Copying ${plan.files.length} files`);
          storage = storageFromSettings(settings.settings.s3, target.dir);
          try {
            await copyFiles(storage, plan.files, written, progress);
          } catch (err) {
            throw new ImportError(`cannot copy the files into Galley's storage: ${(err as Error).message}; nothing was imported`);
          }
        }
        const records = new Map<string, number>();
        for (const c of tables) {
          progress(`Copying records of ${c.name}`);
          try {
            records.set(c.id, await copyRecords(txStore, txStore.dialect, source, c, progress));
          } catch (err) {
            const why = err instanceof UniqueViolation ? `a unique index of the collection is violated (${err.columns.join(', ') || err.indexName})` : (err as Error).message;
            throw new ImportError(`cannot copy the records of ${c.name}: ${why}; nothing was imported`);
          }
        }
        progress('Verifying');
        const checks = [];
        for (const c of result.imported) checks.push(await checkTable(txStore, txStore.dialect, source, c));
        checks.push(await checkMigrations(txStore, migrations.map((m) => m.file)));
        const report: ImportReport = {
          source: source.dir,
          target: target.describe,
          dryRun: opts.dryRun ?? false,
          collections: result.imported.map((c) => ({
            name: c.name, type: c.model.type, records: records.get(c.id) ?? 0,
            files: plan.files.filter((f) => f.collectionId === c.id).length,
          })),
          skipped,
          notExecuted: notExecuted(source.dir, migrations),
          checks,
          filesNote: settings.settings.s3.enabled
            ? `files go to the S3 bucket "${settings.settings.s3.bucket}" (PocketBase's s3 settings, imported); files PocketBase kept in that bucket stay there and are read by Galley as they are`
            : `files go to ${join(target.dir, 'storage')}`,
        };
        const bad = checks.filter((c) => !c.ok);
        if (bad.length) throw new ImportError(`verification failed for ${bad.map((c) => `${c.table} (${c.sourceRows} rows in data.db, ${c.targetRows} in Galley${c.sourceHash ? `, hash ${c.sourceHash} vs ${c.targetHash}` : ''})`).join(', ')}; nothing was imported`);
        if (opts.dryRun) throw new DryRunDone(report);
        return report;
      });
      await target.close(false);
      return report;
    } catch (err) {
      if (written.length && storage) await Promise.all(written.map((key) => storage!.delete(key).catch(() => {})));
      // A failure to clean up must not hide why the import failed.
      await target.close(true).catch(() => {});
      if (err instanceof DryRunDone) return err.report;
      throw err;
    } finally {
      (storage as { close?: () => void } | undefined)?.close?.();
    }
  } finally {
    source.close();
  }
}

interface Target {
  store: Store;
  dir: string;
  describe: string;
  /** Closes the store; after a failure, removes the directory / SQLite file the import created. */
  close(failed: boolean): Promise<void>;
}

async function openTarget(opts: ImportOptions): Promise<Target> {
  const dir = resolve(opts.dir);
  const hadDir = existsSync(dir);
  const hadStorage = existsSync(join(dir, 'storage'));
  /** Local files: the storage folder (or the whole directory) goes again when the import created it. */
  const removeCreatedFolders = () => {
    if (!hadDir) rmSync(dir, { recursive: true, force: true });
    else if (!hadStorage) rmSync(join(dir, 'storage'), { recursive: true, force: true });
  };
  if (opts.db) {
    let store: Store;
    try {
      const { PostgresStore } = await import('../../store/postgres/postgres-store.js');
      store = await PostgresStore.connect(opts.db);
    } catch (err) {
      throw new ImportError(`cannot connect to the target database: ${(err as Error).message} (${redactUrl(opts.db)})`);
    }
    return {
      store, dir, describe: redactUrl(opts.db),
      async close(failed) {
        await store.close();
        if (failed) removeCreatedFolders();
      },
    };
  }
  const dbFile = join(dir, 'data.db');
  const hadDb = existsSync(dbFile);
  // A dry run into a new SQLite target builds it in a temporary folder: nothing is written at the target.
  const scratch = opts.dryRun && !hadDb ? mkdtempSync(join(tmpdir(), 'galley-import-')) : undefined;
  const at = scratch ?? dir;
  try {
    mkdirSync(at, { recursive: true });
    accessSync(at, constants.W_OK);
  } catch (err) {
    throw new ImportError(`the target directory ${dir} cannot be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let store: Store;
  try {
    store = SqliteStore.open(at);
  } catch (err) {
    if (!hadDir) rmSync(dir, { recursive: true, force: true });
    throw new ImportError(`cannot open the SQLite database in ${dir}: ${(err as Error).message}`);
  }
  return {
    store, dir, describe: dbFile,
    async close(failed) {
      await store.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      if (!failed || scratch) return;
      removeCreatedFolders();
      if (!hadDb) for (const f of ['data.db', 'data.db-wal', 'data.db-shm']) rmSync(join(dir, f), { force: true });
    },
  };
}
