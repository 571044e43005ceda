/**
 * The content type of an upload, judged from its bytes (API spec 7.1: `mimeTypes` is
 * checked against the content, not the client's word). `file-type` recognises binary
 * formats; for the formats it cannot (text, CSV, SVG, JSON, ...) the type comes from
 * the extension or the declared type, but never a type file-type knows, so a
 * mislabelled non-PNG cannot pass as image/png.
 */
import { open } from 'node:fs/promises';
import { mimeTypes } from './mime-lookup.js';
import { extractExtension } from './file-names.js';

export interface DetectedType {
  mime: string;
  /** The extension for that type, with the dot ('' when unknown). */
  ext: string;
}

/** file-type (about 9 MiB) is loaded with the first upload, not at start. */
let fileType: Promise<typeof import('file-type')> | undefined;

export async function detectFileType(path: string, originalName: string, declared: string): Promise<DetectedType> {
  const { fileTypeFromFile, supportedMimeTypes } = await (fileType ??= import('file-type'));
  const found = await fileTypeFromFile(path).catch(() => undefined);
  if (found) return { mime: found.mime, ext: `.${found.ext}` };
  const fromName = mimeTypes().lookup(extractExtension(originalName).split('.').pop() ?? '') || '';
  const declaredType = declared.split(';')[0]!.trim().toLowerCase();
  const text = await looksLikeText(path);
  for (const candidate of [fromName, declaredType]) {
    if (!candidate || candidate === 'application/octet-stream' || supportedMimeTypes.has(candidate as never)) continue;
    if (candidate.startsWith('text/') && !text) continue;
    return { mime: candidate, ext: extensionOf(candidate) };
  }
  return text ? { mime: 'text/plain', ext: '.txt' } : { mime: 'application/octet-stream', ext: '' };
}

function extensionOf(type: string): string {
  const ext = mimeTypes().extension(type);
  return ext ? `.${ext}` : '';
}

/** Valid UTF-8 without NUL bytes in the first 8 KiB (as mimetype's text/plain check). */
async function looksLikeText(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    try {
      // A multi-byte character cut at the 8 KiB boundary is not a reason to refuse.
      new TextDecoder('utf-8', { fatal: true }).decode(bytesRead === buf.length ? head.subarray(0, bytesRead - 4) : head);
      return true;
    } catch {
      return false;
    }
  } finally {
    await fh.close();
  }
}
