/**
 * Highlighted snippets for `fields=body:snippet(max)` (docs/search.md): the part of a
 * plain text around the first word a search query matches, the matching words in
 * `<mark>…</mark>`, the rest HTML-escaped. Computed from the value already in the
 * response, so it can never show more than the caller may see. Words match as the
 * index matches them (lower case, diacritics removed, prefix* terms by prefix), but
 * without stemming: with `porter` / a language, a stemmed variant is found and not marked.
 */
import { normaliseText, type SearchQuery } from './query.js';

const WORD = /[\p{L}\p{N}]+/gu;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function matcher(query: SearchQuery): (word: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const term of query.include) {
    term.words.forEach((w, i) => (term.prefix && i === term.words.length - 1 ? prefixes.push(w) : exact.add(w)));
  }
  return (word) => {
    const w = normaliseText(word);
    return exact.has(w) || prefixes.some((p) => w.startsWith(p));
  };
}

/** The snippet of at most about `max` characters (whole words), with "..." where the text was cut. */
export function snippet(text: string, query: SearchQuery | undefined, max: number): string {
  const words = [...text.matchAll(WORD)].map((m) => ({ start: m.index!, end: m.index! + m[0].length, text: m[0] }));
  const isMatch = query ? matcher(query) : () => false;
  const marked = words.filter((w) => isMatch(w.text));
  // Start a little before the first match so it is seen in context.
  let from = 0;
  if (marked.length && marked[0]!.end > max) {
    const target = Math.max(0, marked[0]!.start - Math.floor(max / 3));
    from = words.find((w) => w.start >= target)?.start ?? marked[0]!.start;
  }
  let to = Math.min(text.length, from + max);
  if (to < text.length) {
    const cut = words.filter((w) => w.start >= from && w.end <= to).at(-1);
    to = cut && cut.end > from ? cut.end : to; // never split a word unless it alone is longer than max
  }
  let out = from > 0 ? '...' : '';
  let at = from;
  for (const w of marked) {
    if (w.start < from || w.end > to) continue;
    out += `${escapeHtml(text.slice(at, w.start))}<mark>${escapeHtml(w.text)}</mark>`;
    at = w.end;
  }
  out += escapeHtml(text.slice(at, to));
  return to < text.length ? `${out.trimEnd()}...` : out;
}
