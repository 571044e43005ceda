/**
 * Backup archives in the bucket of the `backups.s3` settings, so every instance of a
 * cluster lists, downloads, restores and deletes the same backups. Archives are
 * objects at the bucket's root under their key (as PocketBase keeps them); the
 * verification result of each is the object `.galley/<key>.json`, which a listing
 * (root level only) never shows. A restore or verification reads a download of the
 * archive (a zip is read from its end).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat as fsStat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ByteRange } from '../files/file-storage.js';
import { connectS3, isNotFound, type S3StorageConfig } from '../files/s3-file-storage.js';
import { isBackupKey, type BackupInfo, type BackupStorage } from './backup-storage.js';

type Connection = Awaited<ReturnType<typeof connectS3>>;

const META_PREFIX = '.galley/';

/** The bucket could not be reached or refused a request (a 400 through the API; the secret never in the message). */
export class BackupStorageError extends Error {}

export class S3BackupStorage implements BackupStorage {
  private connection: Promise<Connection> | undefined;
  private readonly bucket: string;

  constructor(private readonly config: S3StorageConfig) {
    this.bucket = config.bucket;
  }

  private connect(): Promise<Connection> {
    return (this.connection ??= connectS3(this.config));
  }

  /** Runs one request; a failure other than "not found" becomes a BackupStorageError. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof BackupStorageError || isNotFound(err)) throw err;
      const message = ((err as Error).message || 'unknown error').replaceAll(this.config.secret || '\0', '***');
      throw new BackupStorageError(`Failed to reach the S3 storage of backups: ${message}`);
    }
  }

  private checked(key: string): string {
    if (!isBackupKey(key)) throw new Error(`invalid backup key ${JSON.stringify(key.slice(0, 200))}`);
    return key;
  }

  async list(): Promise<BackupInfo[]> {
    return this.guarded(async () => {
      const { s3, client } = await this.connect();
      const out: BackupInfo[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new s3.ListObjectsV2Command({ Bucket: this.bucket, Delimiter: '/', ContinuationToken: token }));
        for (const o of page.Contents ?? [])
          if (o.Key && isBackupKey(o.Key)) out.push({ key: o.Key, size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    });
  }

  async stat(key: string): Promise<BackupInfo | undefined> {
    return this.guarded(async () => {
      if (!isBackupKey(key)) return undefined;
      const { s3, client } = await this.connect();
      try {
        const head = await client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return { key, size: head.ContentLength ?? 0, modified: head.LastModified ?? new Date(0) };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  async put(key: string, file: string): Promise<void> {
    return this.guarded(async () => {
      const { s3, client } = await this.connect();
      if (await this.stat(this.checked(key))) throw new Error(`a backup named ${key} already exists`);
      // One PUT (objects up to 5 GB); the object appears whole or not at all.
      await client.send(new s3.PutObjectCommand({
        Bucket: this.bucket, Key: key, Body: createReadStream(file), ContentLength: (await fsStat(file)).size, ContentType: 'application/zip',
      }));
    });
  }

  async read(key: string, range?: ByteRange): Promise<Readable | undefined> {
    return this.guarded(async () => {
      const { s3, client } = await this.connect();
      try {
        const out = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: this.checked(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
        return out.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  async localCopy(key: string, scratchDir: string): Promise<string | undefined> {
    const body = await this.read(key);
    if (!body) return undefined;
    const file = join(scratchDir, 'archive-download.zip');
    await pipeline(body, createWriteStream(file, { flags: 'wx' }));
    return file;
  }

  async delete(key: string): Promise<void> {
    return this.guarded(async () => {
      const { s3, client } = await this.connect();
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.checked(key) }));
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: `${META_PREFIX}${key}.json` }));
    });
  }

  async readMeta(key: string): Promise<Record<string, unknown> | undefined> {
    const body = await this.readObject(`${META_PREFIX}${this.checked(key)}.json`);
    if (!body) return undefined;
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  async writeMeta(key: string, meta: Record<string, unknown>): Promise<void> {
    return this.guarded(async () => {
      const { s3, client } = await this.connect();
      const body = Buffer.from(JSON.stringify(meta));
      await client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: `${META_PREFIX}${this.checked(key)}.json`, Body: body, ContentLength: body.length, ContentType: 'application/json' }));
    });
  }

  private async readObject(objectKey: string): Promise<string | undefined> {
    return this.guarded(async () => {
      const { s3, client } = await this.connect();
      try {
        const out = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
        const chunks: Buffer[] = [];
        for await (const chunk of out.Body as Readable) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  /** Releases the client's sockets. */
  close(): void {
    void this.connection?.then(({ client }: { client: S3Client }) => client.destroy());
  }
}
