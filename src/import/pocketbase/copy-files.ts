/**
 * Stored files from `pb_data/storage/<collectionId>/<recordId>/<name>` into Galley's
 * storage (local or S3) under the same keys. The `.attrs` sidecars of PocketBase's blob
 * driver give the content type and are not copied; `thumbs_*` folders are skipped
 * (Galley makes thumbnails again on first request). Every key written is remembered,
 * so a failed import can delete what it copied.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mimeTypes } from '../../files/mime-lookup.js';
import { fileKey, validateKey, type FileStorage } from '../../files/file-storage.js';
import type { Skipped } from './import-collections.js';
import type { Progress } from './copy-records.js';

export interface StoredFile {
  collectionId: string;
  recordId: string;
  name: string;
  path: string;
}

export interface FilesPlan {
  files: StoredFile[];
  skipped: Skipped[];
}

/** The files to copy: those of imported collections, with safe names. */
export function listStorage(pbDataDir: string, collectionIds: Set<string>): FilesPlan {
  const root = join(pbDataDir, 'storage');
  const files: StoredFile[] = [];
  const skipped: Skipped[] = [];
  if (!existsSync(root)) return { files, skipped };
  for (const collectionId of readdirSync(root)) {
    const dir = join(root, collectionId);
    if (!statSync(dir).isDirectory()) continue;
    if (!collectionIds.has(collectionId)) {
      skipped.push({ name: `storage/${collectionId}`, reason: 'no imported collection has this id' });
      continue;
    }
    for (const recordId of readdirSync(dir)) {
      const recordDir = join(dir, recordId);
      if (!statSync(recordDir).isDirectory()) continue;
      for (const name of readdirSync(recordDir)) {
        if (name.endsWith('.attrs') || name.startsWith('thumbs_')) continue;
        const path = join(recordDir, name);
        if (!statSync(path).isFile()) continue;
        try {
          validateKey(fileKey(collectionId, recordId, name));
        } catch {
          skipped.push({ name: `storage/${collectionId}/${recordId}/${name}`, reason: 'not a valid stored file name' });
          continue;
        }
        files.push({ collectionId, recordId, name, path });
      }
    }
  }
  return { files, skipped };
}

function contentTypeOf(file: StoredFile): string {
  try {
    const attrs = JSON.parse(readFileSync(`${file.path}.attrs`, 'utf8')) as Record<string, unknown>;
    if (typeof attrs['user.content_type'] === 'string' && attrs['user.content_type']) return attrs['user.content_type'];
  } catch {
    // no sidecar, or an unreadable one: judged by the extension
  }
  return mimeTypes().lookup(file.name) || 'application/octet-stream';
}

/** Copies every file, a few at a time; `written` receives each key as soon as it is stored. */
export async function copyFiles(storage: FileStorage, files: StoredFile[], written: string[], progress: Progress): Promise<void> {
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const key = fileKey(file.collectionId, file.recordId, file.name);
      written.push(key); // before the write: a half-written file is deleted too
      await storage.put(key, { path: file.path }, contentTypeOf(file));
      if (++done % 100 === 0 && Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        progress(`  files: ${done}/${files.length}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}
