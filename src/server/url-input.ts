/**
 * URLs and path segments that come from clients inside a body (batch sub-requests):
 * the decoders of the standard library throw on malformed input (a bad %-escape, an
 * unparsable URL); here that is a 400 with a clear message, as it is for the same URL
 * sent as a request of its own.
 */
import { ApiError } from '../core/errors.js';

export const MALFORMED_URL = 'The request URL is malformed (invalid %-encoding or characters).';

/** A %-encoded path segment, decoded; 400 when it is not valid %-encoded UTF-8. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, MALFORMED_URL);
  }
}

/** A path-and-query (or absolute URL) resolved against `base`; 400 when it cannot be parsed. */
export function parseRequestUrl(url: string, base: string): URL {
  try {
    return new URL(url, base);
  } catch {
    throw new ApiError(400, MALFORMED_URL);
  }
}
