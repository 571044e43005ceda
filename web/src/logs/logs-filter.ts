/**
 * The filter the Logs screen sends (to the list and the chart alike), built from the
 * search box, the level chips and the superusers toggle, as PocketBase's logs screen
 * does: free text becomes a search over the message and the data; text that already
 * looks like a filter expression is used as the filter. Values go through the SDK's
 * `pb.filter` placeholders, so quotes in a search cannot break out of the string.
 */
import { pb } from '../lib/api';

/** PocketBase's levels (slog's): the chips and the badges. */
export const LEVELS = [
  { value: -4, label: 'Debug', tone: 'neutral' },
  { value: 0, label: 'Info', tone: 'accent' },
  { value: 4, label: 'Warn', tone: 'warning' },
  { value: 8, label: 'Error', tone: 'danger' },
] as const;

export function levelLabel(level: number): string {
  return LEVELS.find((l) => l.value === level)?.label ?? `Level ${level}`;
}

export function levelTone(level: number): 'neutral' | 'accent' | 'warning' | 'danger' {
  if (level >= 8) return 'danger';
  if (level >= 4) return 'warning';
  if (level >= 0) return 'accent';
  return 'neutral';
}

/** Comparison or logical operators, or a field path with a dot: the text is meant as a filter. */
const FILTER_LIKE = /(!=|>=|<=|\?=|\?~|!~|&&|\|\||[=<>~])/;

export function looksLikeFilter(text: string): boolean {
  return FILTER_LIKE.test(text);
}

export interface LogsQuery {
  search: string;
  /** Levels to show; empty = all. */
  levels: number[];
  /** Include the requests superusers made (the dashboard's own among them). */
  superusers: boolean;
}

export function buildLogsFilter({ search, levels, superusers }: LogsQuery): string {
  const parts: string[] = [];
  const text = search.trim();
  if (text) parts.push(looksLikeFilter(text) ? text : pb.filter('message ~ {:q} || data ~ {:q}', { q: text }));
  if (levels.length) parts.push(levels.map((l) => `level = ${Number(l)}`).join(' || '));
  if (!superusers) parts.push(`data.auth != "_superusers"`);
  if (parts.length === 1) return parts[0]!;
  return parts.map((p) => `(${p})`).join(' && ');
}
