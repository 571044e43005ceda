/**
 * The files side of one Galley instance: which FileStorage the settings call for
 * (local disk under `<dataDir>/storage`, or S3 when `s3.enabled`), the thumbnail
 * generator, and best-effort cleanups that run after a commit (a failure there leaves
 * an orphan file, never a record pointing to a missing file; it is logged).
 */
import { join } from 'node:path';
import type { SettingsService } from '../core/settings/settings-service.js';
import type { S3Settings } from '../core/settings/s3-settings.js';
import type { FileStorage } from './file-storage.js';
import { LocalFileStorage } from './local-file-storage.js';
import { S3FileStorage } from './s3-file-storage.js';
import { ThumbGenerator } from './thumbs.js';
import { log } from '../logs/logger.js';

export type FileStorageFactory = (s3: S3Settings, dataDir: string) => FileStorage;

export const storageFromSettings: FileStorageFactory = (s3, dataDir) =>
  (s3.enabled ? new S3FileStorage(s3) : new LocalFileStorage(join(dataDir, 'storage')));

export class FileService {
  /** How a storage is made from the settings (an embedding program may swap it). */
  storageFor: FileStorageFactory = storageFromSettings;
  /** Where cleanup failures are reported (buildApp points it at AppOptions.logWarning). */
  logWarning: (message: string) => void = (m) => log.warn(m);
  readonly thumbs = new ThumbGenerator();

  private cached: { signature: string; storage: FileStorage } | undefined;

  constructor(private readonly settings: SettingsService, readonly dataDir: string) {}

  /** The storage for the current settings; rebuilt only when the s3 section changes. */
  storage(): FileStorage {
    const s3 = this.settings.current().s3;
    const signature = JSON.stringify(s3);
    if (this.cached?.signature !== signature) {
      const previous = this.cached?.storage;
      this.cached = { signature, storage: this.storageFor(s3, this.dataDir) };
      if (previous instanceof S3FileStorage) setTimeout(() => previous.close(), 60_000).unref();
    }
    return this.cached.storage;
  }

  /** Deletions waiting for a backup to finish copying files (undefined when none runs). */
  private held: { keys: string[]; storage: FileStorage }[] | undefined;
  private holds = 0;

  /**
   * While a backup copies the uploaded files, deletions wait, so a file deleted during
   * the backup still makes it into the archive. Returns the release, which runs them.
   */
  holdDeletes(): () => Promise<void> {
    this.holds++;
    this.held ??= [];
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.holds > 0) return;
      const held = this.held ?? [];
      this.held = undefined;
      for (const { keys, storage } of held) await this.cleanup(keys, storage);
    };
  }

  /** Deletes keys and key prefixes (ending in "/") after a commit; failures are logged, not thrown. */
  async cleanup(keys: string[], storage: FileStorage = this.storage()): Promise<void> {
    if (this.held) {
      this.held.push({ keys, storage });
      return;
    }
    await Promise.all(keys.map(async (key) => {
      try {
        await (key.endsWith('/') ? storage.deletePrefix(key) : storage.delete(key));
      } catch (err) {
        this.logWarning(`file cleanup of ${key} failed (left as an orphan): ${(err as Error).message}`);
      }
    }));
  }

  /** After records were deleted: their whole `<collectionId>/<recordId>/` folders. */
  recordsDeleted(prefixes: string[]): Promise<void> {
    return this.cleanup(prefixes);
  }

  close(): void {
    if (this.cached?.storage instanceof S3FileStorage) this.cached.storage.close();
  }
}
