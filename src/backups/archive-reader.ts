/**
 * Reads a backup archive and refuses anything that is not exactly what a backup
 * writes, before a byte of it is used: an unreadable or truncated zip, an entry that is
 * a symlink or names a path outside the archive root (zip-slip), a missing, malformed
 * or newer-format manifest, an entry the manifest does not list (or one it lists that
 * is missing), and any entry whose size or SHA-256 differs from the manifest. Entries
 * the caller wants are written under a directory while they are checked; a failure
 * leaves that directory to the caller to remove.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { MANIFEST_PATH, ManifestError, parseManifest, type Manifest } from './manifest.js';

/** A refused archive: the message says what is wrong (a 400 through the API). */
export class ArchiveError extends Error {}

export interface ReadOptions {
  /** Where wanted entries are written (at their archive path). */
  extractTo?: string;
  /** Which entries to write; default all (when extractTo is given). */
  wants?: (path: string) => boolean;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const MAX_MANIFEST = 64 * 1024 * 1024;

/** Opens, checks and (optionally) extracts the archive; returns its manifest. */
export async function readArchive(file: string, opts: ReadOptions = {}): Promise<Manifest> {
  const zip = await openZip(file);
  try {
    const entries = await scanEntries(zip);
    const manifestEntry = entries.get(MANIFEST_PATH);
    if (!manifestEntry) throw new ArchiveError('the archive has no manifest.json: it is not a Galley backup');
    if (manifestEntry.uncompressedSize > MAX_MANIFEST) throw new ArchiveError('manifest.json is too large');
    let manifest: Manifest;
    try {
      manifest = parseManifest((await readEntry(zip, manifestEntry)).toString('utf8'));
    } catch (err) {
      if (err instanceof ManifestError) throw new ArchiveError(err.message);
      throw new ArchiveError(`the zip archive is damaged (${(err as Error).message})`);
    }
    const listed = new Map(manifest.entries.map((e) => [e.path, e]));
    for (const name of entries.keys())
      if (name !== MANIFEST_PATH && !listed.has(name)) throw new ArchiveError(`the archive holds ${name}, which the manifest does not list`);
    for (const expected of manifest.entries) {
      if (!safePath(expected.path)) throw new ArchiveError(`the manifest lists a path outside the archive root (${expected.path})`);
      const entry = entries.get(expected.path);
      if (!entry) throw new ArchiveError(`the archive lacks ${expected.path}, which the manifest lists`);
      const target = opts.extractTo && (opts.wants?.(expected.path) ?? true) ? join(opts.extractTo, expected.path) : undefined;
      let got: { size: number; sha256: string };
      try {
        got = await checkEntry(zip, entry, target);
      } catch (err) {
        throw new ArchiveError(`the zip archive is damaged at ${expected.path} (${(err as Error).message})`);
      }
      if (got.size !== expected.size || got.sha256 !== expected.sha256)
        throw new ArchiveError(`${expected.path} does not match the manifest (size or SHA-256 differs)`);
    }
    return manifest;
  } finally {
    zip.close();
  }
}

export async function openZip(file: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: true });
  } catch (err) {
    throw new ArchiveError(`the file is not a readable zip archive (${(err as Error).message})`);
  }
}

/** Every file entry by name, refusing symlinks, special files, paths outside the root, encrypted and duplicate entries. */
export async function scanEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (type === S_IFLNK) throw new ArchiveError(`the archive holds a symbolic link (${name})`);
      if (type !== 0 && type !== S_IFREG) throw new ArchiveError(`the archive holds an entry that is not a regular file (${name})`);
      if (!safePath(name)) throw new ArchiveError(`the archive holds a path outside its root (${name})`);
      if (entry.isEncrypted()) throw new ArchiveError(`the archive holds an encrypted entry (${name})`);
      if (entries.has(name)) throw new ArchiveError(`the archive holds ${name} twice`);
      entries.set(name, entry);
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    const message = (err as Error).message;
    // yauzl refuses such names itself (strictFileNames): say what it means.
    if (/relative path|absolute path|invalid characters/.test(message)) throw new ArchiveError(`the archive holds a path outside its root (${message})`);
    throw new ArchiveError(`the zip archive is damaged (${message})`);
  }
  return entries;
}

/** A relative path of plain segments: no absolute path, drive, backslash, "." or "..". */
function safePath(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[A-Za-z]:/.test(name)) return false;
  const segments = name.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return false;
  const root = resolve('/archive-root');
  return resolve(root, name).startsWith(root + sep);
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads an entry whole (written to target when given); its size and SHA-256. */
export async function checkEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, target: string | undefined): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const stream: Readable = await zip.openReadStreamPromise(entry);
  const out = target ? (await mkdir(dirname(target), { recursive: true }), createWriteStream(target, { flags: 'wx' })) : undefined;
  await pipeline(stream, new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      if (out) out.write(chunk, cb);
      else cb();
    },
    final(cb) {
      if (!out) return cb();
      out.end(() => cb());
    },
  }));
  return { size, sha256: hash.digest('hex') };
}
