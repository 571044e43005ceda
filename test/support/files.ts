/** Helpers for the file tests: real images made with sharp, multipart bodies, storage checks. */
import sharp from 'sharp';
import type { TestGalley } from './galley.js';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** A real image of the given size: top half red, bottom half blue (so crops are visible). */
export async function image(format: ImageFormat, width: number, height: number): Promise<Buffer> {
  const half = Math.floor(height / 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect x="0" y="0" width="${width}" height="${half}" fill="#ff0000"/><rect x="0" y="${half}" width="${width}" height="${height - half}" fill="#0000ff"/></svg>`;
  return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
}

/** The [r, g, b] of the centre pixel. */
export async function centreColour(bytes: ArrayBuffer | Buffer): Promise<number[]> {
  const { data, info } = await sharp(Buffer.from(bytes as ArrayBuffer)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

export async function dimensions(bytes: ArrayBuffer | Buffer): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(Buffer.from(bytes as ArrayBuffer)).metadata();
  return { width: meta.width!, height: meta.height!, format: meta.format! };
}

export const fileOf = (bytes: Buffer | string, name: string, type = '') => new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], name, { type });

/** A FormData from plain values (strings) and files. */
export function form(values: Record<string, string | File | (string | File)[]>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  return fd;
}

/** Every stored key under a collection (or a record when recordId is given). */
export function storedKeys(g: TestGalley, collectionId: string, recordId?: string): Promise<string[]> {
  return g.core.files.storage().list(`${collectionId}/${recordId ? `${recordId}/` : ''}`);
}

export const STORED_NAME = /^[a-z0-9_]+_[a-z0-9]{10}(\.[\w.*+=#-]+)?$/;
