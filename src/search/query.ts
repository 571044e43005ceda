/**
 * The search query language (docs/search.md): words (all must match), "phrases",
 * prefix* and -exclusion. Parsed here into a small tree that each engine turns into
 * its own MATCH / tsquery text, so a query means the same on SQLite and PostgreSQL.
 * Words are normalised the way both indexes store them: lower case, diacritics
 * removed, split at anything that is not a letter or digit.
 */

/** One term: a word, or a phrase of words in sequence; a prefix term matches words starting with its last word. */
export interface SearchTerm {
  words: string[];
  prefix: boolean;
}

export interface SearchQuery {
  /** Every one of these must match. */
  include: SearchTerm[];
  /** None of these may match. */
  exclude: SearchTerm[];
  /** Any one of `include` matching is enough (OR), not every one: hybrid search's full-text side (vectors/hybrid-search.ts). */
  any?: boolean;
}

export const MAX_QUERY_LENGTH = 500;
export const MAX_TERMS = 32;
const MAX_WORDS = 64;

/** A query the user wrote that cannot be searched; the message says why. */
export class SearchSyntaxError extends Error {}

/**
 * Lower case, diacritics removed (é → e; ß, ø stay): decomposed, the combining
 * diacritical marks (U+0300–U+036F) dropped, recomposed — exactly what the PostgreSQL
 * index expression does, and what unicode61 remove_diacritics 2 does on SQLite.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]+/g, '').normalize('NFC').toLowerCase();
}

/** The words of a text, split where the tokenizers split (anything but letters and digits). */
export function wordsOf(text: string): string[] {
  return normaliseText(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

export function parseSearchQuery(source: string): SearchQuery {
  if (source.length > MAX_QUERY_LENGTH) throw new SearchSyntaxError(`the search query is longer than ${MAX_QUERY_LENGTH} characters`);
  const query: SearchQuery = { include: [], exclude: [] };
  let words = 0;
  let i = 0;
  while (i < source.length) {
    if (/\s/u.test(source[i]!)) { i++; continue; }
    const start = i;
    let negate = false;
    if (source[i] === '-') { negate = true; i++; }
    let term: SearchTerm;
    if (source[i] === '"') {
      const close = source.indexOf('"', i + 1);
      if (close < 0) throw new SearchSyntaxError(`unterminated phrase starting at position ${i} of the search query`);
      term = { words: wordsOf(source.slice(i + 1, close)), prefix: false };
      i = close + 1;
      if (term.words.length === 0) throw new SearchSyntaxError(`the phrase at position ${start} of the search query has no words`);
    } else {
      let end = i;
      while (end < source.length && !/\s/u.test(source[end]!) && source[end] !== '"') end++;
      let raw = source.slice(i, end);
      i = end;
      const prefix = raw.endsWith('*');
      if (prefix) raw = raw.replace(/\*+$/, '');
      if (raw.includes('*')) throw new SearchSyntaxError(`"*" may only end a word (position ${start} of the search query)`);
      // A word with punctuation inside ("e-mail") is the phrase of its parts, as both tokenizers see it.
      term = { words: wordsOf(raw), prefix };
      if (term.words.length === 0) {
        if (negate || prefix) throw new SearchSyntaxError(`"${source.slice(start, end)}" at position ${start} of the search query has no word to ${negate ? 'exclude' : 'complete'}`);
        continue; // punctuation alone: nothing to match, as the tokenizers drop it too
      }
    }
    words += term.words.length;
    (negate ? query.exclude : query.include).push(term);
    if (query.include.length + query.exclude.length > MAX_TERMS) throw new SearchSyntaxError(`the search query has more than ${MAX_TERMS} terms`);
    if (words > MAX_WORDS) throw new SearchSyntaxError(`the search query has more than ${MAX_WORDS} words`);
  }
  if (query.include.length === 0)
    throw new SearchSyntaxError(query.exclude.length ? 'a search query needs at least one word that is not excluded' : 'the search query has no words');
  return query;
}
