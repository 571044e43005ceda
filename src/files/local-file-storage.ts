/**
 * FileStorage on the local disk under `<dataDir>/storage`. Every key is validated and
 * its resolved path checked to lie inside the root, so no key escapes it. Writes go to
 * a temporary name first and are renamed into place, so a reader never sees half a file.
 * The content type is derived from the extension (stored names always carry the
 * extension the upload was detected with).
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { mimeTypes } from './mime-lookup.js';
import { InvalidKeyError, validateKey, type ByteRange, type FileStorage, type StoredFileInfo } from './file-storage.js';

export class LocalFileStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute path of a key, refused unless it is strictly inside the root. */
  private pathOf(key: string, prefix = false): string {
    validateKey(key, prefix);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep) || path === this.root) throw new InvalidKeyError('storage key outside the root');
    return path;
  }

  async put(key: string, source: Buffer | { path: string }): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (Buffer.isBuffer(source)) await writeFile(tmp, source);
      else await copyFile(source.path, tmp);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async stat(key: string): Promise<StoredFileInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const st = await stat(path);
      if (!st.isFile()) return undefined;
      return {
        size: st.size,
        contentType: mimeTypes().lookup(path) || 'application/octet-stream',
        lastModified: st.mtime,
        etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
      };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {});
    // Wait for the open so a missing file is `undefined`, not a stream error mid-response.
    return new Promise((res, rej) => {
      stream.once('open', () => res(stream));
      stream.once('error', (err) => (isMissing(err) ? res(undefined) : rej(err)));
    });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix, true), { recursive: true, force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const dir = this.pathOf(prefix, true);
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
        .map((e) => relative(this.root, join(e.parentPath, e.name)).split(sep).join('/'));
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }
}

const isMissing = (err: unknown) => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '');
