/**
 * Response headers of a served file (API spec 7.2) and the HTTP range / conditional
 * request rules (RFC 9110) for it.
 */
import type { ByteRange, StoredFileInfo } from './file-storage.js';

/** Types shown inline; everything else downloads (PocketBase's inlineServeContentTypes). */
const INLINE = new Set([
  'image/png', 'image/jpg', 'image/jpeg', 'image/gif', 'image/webp', 'image/x-icon', 'image/bmp',
  'video/webm', 'video/mp4', 'video/3gpp', 'video/quicktime', 'video/x-ms-wmv',
  'audio/basic', 'audio/aiff', 'audio/mpeg', 'audio/midi', 'audio/mp3', 'audio/wave', 'audio/wav', 'audio/x-wav',
  'audio/x-mpeg', 'audio/x-m4a', 'audio/aac',
  'application/pdf', 'application/x-pdf',
]);

/** Extensions whose content type is fixed whatever was detected (PocketBase's manualExtensionContentTypes). */
const BY_EXTENSION: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export const FILE_CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
export const FILE_CACHE_CONTROL = 'max-age=2592000, stale-while-revalidate=86400';

/** strconv.ParseBool's true values. */
export const isTrue = (v: unknown) => typeof v === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);

export function fileHeaders(name: string, info: StoredFileInfo, forceDownload: boolean): Record<string, string> {
  const dot = name.lastIndexOf('.');
  const ext = dot >= 0 ? name.slice(dot).toLowerCase() : '';
  const contentType = BY_EXTENSION[ext] ?? info.contentType;
  const inline = !forceDownload && INLINE.has(contentType.split(';')[0]!.trim().toLowerCase());
  return {
    'content-type': contentType,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename=${name}`,
    'content-security-policy': FILE_CSP,
    'cache-control': FILE_CACHE_CONTROL,
    'accept-ranges': 'bytes',
    etag: info.etag,
    'last-modified': info.lastModified.toUTCString(),
  };
}

/** True when the client's cached copy is current (answer 304). */
export function notModified(headers: Record<string, string | string[] | undefined>, info: StoredFileInfo): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (typeof ifNoneMatch === 'string') {
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(info.etag.replace(/^W\//, ''));
  }
  const since = headers['if-modified-since'];
  if (typeof since === 'string') {
    const t = Date.parse(since);
    return !Number.isNaN(t) && Math.floor(info.lastModified.getTime() / 1000) <= Math.floor(t / 1000);
  }
  return false;
}

/**
 * The range asked for: undefined to send the whole file (no Range, a multi-range or
 * malformed header, or an If-Range that no longer matches), 'unsatisfiable' for a 416.
 */
export function requestedRange(headers: Record<string, string | string[] | undefined>, info: StoredFileInfo): ByteRange | 'unsatisfiable' | undefined {
  const header = headers.range;
  if (typeof header !== 'string') return undefined;
  const ifRange = headers['if-range'];
  if (typeof ifRange === 'string' && ifRange !== info.etag && ifRange !== info.lastModified.toUTCString()) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const size = info.size;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}
