/**
 * Writes a backup archive: a zip streamed by yazl to a local file, every entry hashed
 * (SHA-256) and measured as it is read into the zip, and manifest.json last, built
 * from those figures once every other entry went through. Nothing is held in memory
 * whole; the database snapshot and the uploaded files are read as streams.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { FORMAT_VERSION, MANIFEST_PATH, type ArchiveEntry, type Manifest } from './manifest.js';

export interface ArchiveSource {
  /** Path inside the archive. */
  path: string;
  /** Opens the entry's bytes when the zip reaches it. */
  open(): Promise<Readable> | Readable;
}

export const fileSource = (path: string, file: string): ArchiveSource => ({ path, open: () => createReadStream(file) });

export async function writeArchive(out: string, sources: ArchiveSource[], head: Omit<Manifest, 'format' | 'entries'>): Promise<Manifest> {
  const zip = new yazl.ZipFile();
  const entries: ArchiveEntry[] = [];
  const failures: unknown[] = [];
  for (const source of sources) {
    // Level 1: most of the size gain for a fraction of the CPU (PocketBase uses BestSpeed too).
    zip.addReadStreamLazy(source.path, { compressionLevel: 1 }, (cb) => {
      // yazl is never handed an error (it would stall): a failed source is an empty
      // entry, the failure is kept, and the archive is refused once written.
      Promise.resolve(source.open()).then(
        (stream) => cb(null, measured(stream, (size, sha256) => entries.push({ path: source.path, size, sha256 }), (err) => failures.push(err))),
        (err: unknown) => {
          failures.push(err);
          cb(null, Readable.from([]));
        },
      );
    });
  }
  let manifest: Manifest | undefined;
  zip.addReadStreamLazy(MANIFEST_PATH, (cb) => {
    manifest = { format: FORMAT_VERSION, ...head, entries };
    cb(null, Readable.from([Buffer.from(JSON.stringify(manifest, null, 1))]));
  });
  zip.end();
  await pipeline(zip.outputStream as Readable, createWriteStream(out));
  if (failures.length) throw failures[0];
  if (!manifest || entries.length !== sources.length) throw new Error('the archive was not completely written');
  return manifest;
}

/** The stream passed through, reporting its size and SHA-256 when it ends (a read error: failed, and the stream ends). */
function measured(stream: Readable, done: (size: number, sha256: string) => void, failed: (err: Error) => void): Readable {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      done(size, hash.digest('hex'));
      cb();
    },
  });
  stream.once('error', (err) => {
    failed(err);
    stream.unpipe(t);
    t.end();
  });
  return stream.pipe(t);
}
