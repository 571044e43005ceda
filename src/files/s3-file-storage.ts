/**
 * FileStorage in an S3-compatible bucket (AWS, MinIO, R2, ...), with the same keys as
 * the local disk. The content type is kept as object metadata. The secret stays in
 * the client's credentials and is never logged or returned.
 */
import { createReadStream } from 'node:fs';
import { stat as fsStat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { validateKey, type ByteRange, type FileStorage, type StoredFileInfo } from './file-storage.js';

export interface S3StorageConfig {
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

type Sdk = typeof import('@aws-sdk/client-s3');

/** The AWS SDK (about 20 MiB once loaded) is loaded on the first use of S3, not at start. */
let sdk: Promise<Sdk> | undefined;
const loadSdk = () => (sdk ??= import('@aws-sdk/client-s3'));

/** The SDK and a client for the config (the backups' bucket uses it too). */
export async function connectS3(config: S3StorageConfig): Promise<{ s3: Sdk; client: S3Client }> {
  const s3 = await loadSdk();
  return {
    s3,
    client: new s3.S3Client({
      region: config.region || 'us-east-1',
      endpoint: config.endpoint || undefined,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKey, secretAccessKey: config.secret },
      // Only checksum when the service asks: several S3-compatible servers reject the newer default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
}

export class S3FileStorage implements FileStorage {
  private connection: Promise<{ s3: Sdk; client: S3Client }> | undefined;
  private readonly bucket: string;

  constructor(private readonly config: S3StorageConfig) {
    this.bucket = config.bucket;
  }

  private connect(): Promise<{ s3: Sdk; client: S3Client }> {
    return (this.connection ??= connectS3(this.config));
  }

  async put(key: string, source: Buffer | { path: string }, contentType: string): Promise<void> {
    const { s3, client } = await this.connect();
    validateKey(key);
    const body = Buffer.isBuffer(source) ? source : createReadStream(source.path);
    const length = Buffer.isBuffer(source) ? source.length : (await fsStat(source.path)).size;
    await client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: length, ContentType: contentType }));
  }

  async stat(key: string): Promise<StoredFileInfo | undefined> {
    const { s3, client } = await this.connect();
    validateKey(key);
    try {
      const head = await client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: head.ContentLength ?? 0,
        contentType: head.ContentType || 'application/octet-stream',
        lastModified: head.LastModified ?? new Date(0),
        etag: head.ETag ?? `"${head.ContentLength ?? 0}"`,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const { s3, client } = await this.connect();
    validateKey(key);
    try {
      const out = await client.send(new s3.GetObjectCommand({
        Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    const { s3, client } = await this.connect();
    validateKey(key);
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const { s3, client } = await this.connect();
    // Listed and deleted page by page (at most 1000 keys per DeleteObjects).
    for (;;) {
      const keys = await this.listPage(prefix);
      if (keys.length === 0) return;
      await client.send(new s3.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
    }
  }

  async list(prefix: string): Promise<string[]> {
    const { s3, client } = await this.connect();
    validateKey(prefix, true);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async listPage(prefix: string): Promise<string[]> {
    validateKey(prefix, true);
    const { s3, client } = await this.connect();
    const page = await client.send(new s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1000 }));
    return (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
  }

  /** Releases the client's sockets. */
  close(): void {
    void this.connection?.then(({ client }) => client.destroy());
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
