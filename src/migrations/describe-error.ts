/** One line for an error from a migration: an ApiError keeps its field messages. */
import { ApiError, isFieldError, type ErrorData } from '../core/errors.js';

export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const parts: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (typeof value === 'object' && value !== null && isFieldError(value as ErrorData)) parts.push(`${path}: ${(value as { message: string }).message}`);
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(err.data, '');
    return [err.message, ...parts].join(' ');
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ');
}
