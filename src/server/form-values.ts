/**
 * Form (multipart and urlencoded) values → a body object with PocketBase's type
 * inference: exactly "true"/"false" become booleans, canonical decimal numbers become
 * numbers, repeated keys become arrays, and every `@jsonPayload` part is merged in
 * without inference.
 */
import { ApiError } from '../core/errors.js';

export function inferValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  // A number only when printing it back gives the same text, so "012", "12.50", "1e3"
  // and digits beyond float precision stay strings (no silent data change).
  if (/^-?\d/.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n) && plainDecimal(n) === raw) return n;
  }
  return raw;
}

/** The shortest round-trip decimal form of n, never in exponent notation. */
function plainDecimal(n: number): string {
  if (Object.is(n, -0)) return '-0';
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[2]! + (m[3] ?? '');
  const exp = Number(m[4]);
  if (exp < 0) return `${m[1]}0.${'0'.repeat(-exp - 1)}${digits}`;
  const point = exp + 1;
  return m[1] + (digits.length <= point ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`);
}

export class FormBody {
  private readonly values: Record<string, unknown> = {};
  private readonly payloads: Record<string, unknown>[] = [];

  add(key: string, raw: string): void {
    if (key === '@jsonPayload') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ApiError(400, 'Invalid @jsonPayload: it must be a JSON object.');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new ApiError(400, 'Invalid @jsonPayload: it must be a JSON object.');
      this.payloads.push(parsed as Record<string, unknown>);
      return;
    }
    const value = inferValue(raw);
    if (!(key in this.values)) this.values[key] = value;
    else {
      const prev = this.values[key];
      this.values[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }

  toObject(): Record<string, unknown> {
    return Object.assign(Object.create(null) as Record<string, unknown>, this.values, ...this.payloads);
  }
}
