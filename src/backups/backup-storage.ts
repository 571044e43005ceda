/**
 * Where backup archives are kept: the BackupStorage interface and its local-disk
 * implementation, `<dataDir>/backups/` (PocketBase's place for them). The verification
 * result of each archive is a JSON document beside it, in `backups/.galley/`, which a
 * listing never shows. The bucket of the `backups.s3` settings is s3-backup-storage.ts.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ByteRange } from '../files/file-storage.js';

export interface BackupInfo {
  key: string;
  size: number;
  modified: Date;
}

export interface BackupStorage {
  list(): Promise<BackupInfo[]>;
  stat(key: string): Promise<BackupInfo | undefined>;
  /** Stores the local file at key (moved when it can be); fails when key exists. */
  put(key: string, file: string): Promise<void>;
  read(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /**
   * A local file of the archive for random access (the zip is read from its end): the
   * archive itself on the local disk, a download into scratchDir (removed by the
   * caller) from a bucket. Undefined when there is no such archive.
   */
  localCopy(key: string, scratchDir: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  readMeta(key: string): Promise<Record<string, unknown> | undefined>;
  writeMeta(key: string, meta: Record<string, unknown>): Promise<void>;
}

/** A stored archive name: what PocketBase's keys look like (`@auto_…` for scheduled ones); no path. */
export const BACKUP_KEY = /^[A-Za-z0-9@_][A-Za-z0-9@_.-]{0,254}$/;
export const isBackupKey = (key: string) => BACKUP_KEY.test(key) && !key.includes('..');

export class LocalBackupStorage implements BackupStorage {
  private readonly meta: string;

  constructor(readonly root: string) {
    this.meta = join(root, '.galley');
  }

  private path(key: string): string {
    if (!isBackupKey(key)) throw new Error(`invalid backup key ${JSON.stringify(key.slice(0, 200))}`);
    return join(this.root, key);
  }

  async list(): Promise<BackupInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const infos = await Promise.all(names.filter(isBackupKey).map((key) => this.stat(key)));
    return infos.filter((i): i is BackupInfo => i !== undefined);
  }

  async stat(key: string): Promise<BackupInfo | undefined> {
    try {
      const st = await stat(this.path(key));
      return st.isFile() ? { key, size: st.size, modified: st.mtime } : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, file: string): Promise<void> {
    const target = this.path(key);
    await mkdir(this.root, { recursive: true });
    if (await this.stat(key)) throw new Error(`a backup named ${key} already exists`);
    try {
      await rename(file, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // Another filesystem: copy beside the target first, so the name never shows half a file.
      const tmp = join(this.root, `.${randomBytes(6).toString('hex')}.tmp`);
      await copyFile(file, tmp);
      await rename(tmp, target);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | undefined> {
    if (!(await this.stat(key))) return undefined;
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  async localCopy(key: string): Promise<string | undefined> {
    return (await this.stat(key)) ? this.path(key) : undefined;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
    await rm(join(this.meta, `${key}.json`), { force: true });
  }

  async readMeta(key: string): Promise<Record<string, unknown> | undefined> {
    this.path(key);
    try {
      return JSON.parse(await readFile(join(this.meta, `${key}.json`), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  async writeMeta(key: string, meta: Record<string, unknown>): Promise<void> {
    this.path(key);
    await mkdir(this.meta, { recursive: true });
    const tmp = join(this.meta, `.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, join(this.meta, `${key}.json`));
  }
}
