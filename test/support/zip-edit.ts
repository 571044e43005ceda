/** Test helpers that read and rewrite zip archives (yauzl/yazl), to make damaged or edited backups. */
import yauzl from 'yauzl';
import yazl from 'yazl';

export async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    out.set(entry.fileName, Buffer.concat(chunks));
  }
  return out;
}

export interface ZipItem {
  path: string;
  data: Buffer;
  /** Unix mode (e.g. 0o120777 for a symbolic link). */
  mode?: number;
}

export async function zip(items: ZipItem[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const item of items) z.addBuffer(item.data, item.path, item.mode ? { mode: item.mode } : {});
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The archive with its entries passed through edit (return undefined to drop one). */
export async function rezip(bytes: Buffer, edit: (path: string, data: Buffer) => Buffer | undefined, extra: ZipItem[] = []): Promise<Buffer> {
  const items: ZipItem[] = [];
  for (const [path, data] of await unzip(bytes)) {
    const edited = edit(path, data);
    if (edited) items.push({ path, data: edited });
  }
  return zip([...items, ...extra]);
}
