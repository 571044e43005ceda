/**
 * Form (multipart and urlencoded) values → a body object with PocketBase's type
 * inference: exactly "true"/"false" become booleans, canonical decimal numbers become
 * numbers, repeated keys become arrays, and every `@jsonPayload` part is merged in
 * without inference.
 */
import { ApiError } from '../core/errors.js';

const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export function inferValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (CANONICAL_NUMBER.test(raw) && raw.length < 16) return Number(raw);
  return raw;
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
