/** page / perPage / skipTotal / sort / filter query parameters of list routes (API spec 2.2). */
import { badRequest } from '../core/errors.js';

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;
const MAX_FILTER_LENGTH = 3500;

export interface ListParams {
  page: number;
  perPage: number;
  sort: string;
  filter: string;
  skipTotal: boolean;
}

function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return v === undefined ? undefined : String(v);
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`Invalid ${name}: it must be an integer.`);
  // As PocketBase (Go's int64): larger is a 400; beyond 2^53 the page is past any data anyway.
  if (BigInt(raw) > 9223372036854775807n || BigInt(raw) < -9223372036854775808n) throw badRequest(`Invalid ${name}: the number is too large.`);
  const n = Number(raw);
  return n <= 0 ? fallback : n;
}

/** Go's strconv.ParseBool spellings, as PocketBase accepts them. */
export function parseBool(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  throw badRequest(`Invalid ${name}: it must be a boolean.`);
}

export function parseListParams(query: Record<string, unknown>): ListParams {
  const filter = first(query.filter) ?? '';
  if (filter.length > MAX_FILTER_LENGTH) throw badRequest(`Invalid filter: it must be at most ${MAX_FILTER_LENGTH} characters.`);
  return {
    page: integer('page', first(query.page), 1),
    perPage: Math.min(integer('perPage', first(query.perPage), DEFAULT_PER_PAGE), MAX_PER_PAGE),
    sort: first(query.sort) ?? '',
    filter,
    skipTotal: parseBool('skipTotal', first(query.skipTotal)),
  };
}
