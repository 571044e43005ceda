/**
 * Reads the entries of a zip-based document (DOCX, ODT, PPTX, XLSX) with yauzl under
 * caps, before any format library sees it: too many entries, or more unpacked bytes
 * than allowed (declared sizes, and the bytes actually inflated, which yauzl checks
 * against the declared ones), end as an ExtractError — a zip bomb is refused while it
 * is still small. XML parts declaring a DTD (entity definitions: "billion laughs") are
 * refused too; these formats never need one.
 */
import yauzl from 'yauzl';
import { ExtractError, type ExtractLimits } from './limits.js';

export type ZipEntries = Map<string, Buffer>;

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(new ExtractError(`not a valid zip container (${err?.message ?? 'unreadable'})`));
      else resolve(zip);
    });
  });
}

/** Every file entry of the zip, unpacked; `wanted` picks which are kept in memory (all are counted). */
export async function readZip(bytes: Buffer, limits: ExtractLimits, wanted: (name: string) => boolean = () => true): Promise<ZipEntries> {
  const zip = await openZip(bytes);
  if (zip.entryCount > limits.maxZipEntries) {
    zip.close();
    throw new ExtractError(`the archive has ${zip.entryCount} entries (at most ${limits.maxZipEntries})`);
  }
  const entries: ZipEntries = new Map();
  let total = 0;
  const tooBig = () => new ExtractError(`the archive unpacks to more than ${limits.maxUnpackedBytes} bytes (a zip bomb?)`);
  return new Promise<ZipEntries>((resolve, reject) => {
    const fail = (err: unknown) => {
      zip.close();
      reject(err instanceof ExtractError ? err : new ExtractError(`the archive is damaged (${(err as Error).message})`));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      total += entry.uncompressedSize;
      if (total > limits.maxUnpackedBytes) return fail(tooBig());
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('unreadable entry'));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > entry.uncompressedSize || total - entry.uncompressedSize + size > limits.maxUnpackedBytes) {
            stream.destroy();
            return fail(tooBig());
          }
          if (wanted(entry.fileName)) chunks.push(chunk);
        });
        stream.on('error', fail);
        stream.on('end', () => {
          if (wanted(entry.fileName)) {
            const data = Buffer.concat(chunks);
            if (/\.xml$|\.rels$/i.test(entry.fileName) && hasDtd(data)) return fail(new ExtractError(`${entry.fileName} declares a DTD (XML entities are refused)`));
            entries.set(entry.fileName, data);
          }
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** A DOCTYPE or ENTITY declaration anywhere in the XML (UTF-8 or UTF-16). */
function hasDtd(data: Buffer): boolean {
  const text = data.length > 1 && (data[0] === 0xff || data[0] === 0xfe) ? data.toString('utf16le') : data.toString('latin1');
  return /<!DOCTYPE|<!ENTITY/i.test(text);
}
