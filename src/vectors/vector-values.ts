/**
 * Vector values: what clients send (a JSON array of finite numbers, or that array as
 * a JSON string from a multipart form), and the compact forms engines store — a
 * float32 little-endian BLOB on SQLite, pgvector's `[1,2,3]` text, or a `real[]`.
 * Values are float32 everywhere, so every engine gives back the same numbers.
 */
export const MAX_DIMENSIONS = 4096;
/** The largest float32; beyond it a number would be stored as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

export type VectorParse = { ok: true; values: number[] } | { ok: false; message: string };

/** Empty input (null, "", []) is no vector; anything else must be `dimensions` finite numbers. */
export function parseVector(raw: unknown, dimensions: number): VectorParse | null {
  let v = raw;
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return { ok: false, message: 'Must be a JSON array of numbers.' };
    }
  }
  if (!Array.isArray(v)) return { ok: false, message: 'Must be an array of numbers.' };
  if (v.length === 0) return null;
  if (v.length !== dimensions) return { ok: false, message: `Must have exactly ${dimensions} numbers (got ${v.length}).` };
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    const n = v[i] as unknown;
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > FLOAT32_MAX)
      return { ok: false, message: `Item ${i} must be a finite number (float32 range).` };
    out[i] = Math.fround(n);
  }
  return { ok: true, values: out };
}

/** Float32 little-endian bytes (SQLite's BLOB form). */
export function toBlob(values: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf;
}

/** A float32 view of a BLOB (copied when the bytes are not 4-byte aligned). */
export function blobView(blob: Uint8Array): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength >> 2);
  return new Float32Array(Uint8Array.prototype.slice.call(blob).buffer);
}

/**
 * The shortest decimal that reads back as the same float32, as PostgreSQL prints a
 * `real` (0.1, not 0.10000000149011612), so SQLite answers what PostgreSQL answers.
 */
export function shortestFloat32(f: number): number {
  if (f === 0 || !Number.isFinite(f)) return f;
  // Most float32 values need 7 to 9 digits: start at 7 (fewer calls than counting up from 1).
  // More digits never stop fitting, so below 7 the first misfit ends the search.
  let n = Number(f.toPrecision(7));
  if (Math.fround(n) !== f) {
    n = Number(f.toPrecision(8));
    return Math.fround(n) === f ? n : Number(f.toPrecision(9));
  }
  for (let p = 6; p >= 1; p--) {
    const m = Number(f.toPrecision(p));
    if (Math.fround(m) !== f) return n;
    n = m;
  }
  return n;
}

/** Any stored form (BLOB, pgvector text, real[]) → the API's number array ([] for none). */
export function fromStored(raw: unknown): number[] {
  if (raw === null || raw === undefined) return [];
  if (raw instanceof Uint8Array) return Array.from(blobView(raw), shortestFloat32);
  if (Array.isArray(raw)) return raw.map((x) => shortestFloat32(Math.fround(Number(x))));
  if (typeof raw === 'string') {
    const s = raw.trim();
    // pgvector's text form "[1,2,3]"; a real[] read as text "{1,2,3}"
    const inner = s.startsWith('[') || s.startsWith('{') ? s.slice(1, -1) : s;
    return inner === '' ? [] : inner.split(',').map((x) => shortestFloat32(Math.fround(Number(x))));
  }
  return [];
}

/** pgvector's input form. */
export const toPgvectorText = (values: readonly number[]): string => `[${values.join(',')}]`;
