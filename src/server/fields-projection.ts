/**
 * The `fields` query parameter (API spec 1.6): keeps only the listed keys of a JSON
 * response (of each item for list envelopes), with dot paths into nested objects,
 * `*` for every key of a level, `:excerpt(max, withEllipsis?)` on a key, and
 * `:snippet(max)`: the text around the words the filter's search() matched, marked
 * (docs/search.md).
 */
import { createRequire } from 'node:module';
import { ApiError } from '../core/errors.js';
import { parseCached } from '../core/filter/condition.js';
import { firstSearchCall } from '../core/filter/search-function.js';
import { parseSearchQuery, type SearchQuery } from '../search/query.js';
import { snippet } from '../search/snippet.js';

interface Excerpt { max: number; ellipsis: boolean; snippet?: boolean }
interface Node { children: Map<string, Node>; excerpt?: Excerpt }

const newNode = (): Node => ({ children: new Map() });
const EXCERPT = /^(.*):excerpt\(\s*(\d+)\s*(?:,\s*(true|false|1|0|t|f)\s*)?\)$/;
const SNIPPET = /^(.*):snippet\(\s*(\d+)\s*\)$/;

export function parseFields(param: string): Node {
  const root = newNode();
  for (const rawTerm of splitTerms(param)) {
    let term = rawTerm.trim();
    if (!term) continue;
    let excerpt: Excerpt | undefined;
    const m = EXCERPT.exec(term);
    const sm = m ? null : SNIPPET.exec(term);
    if (sm) {
      const max = Number(sm[2]);
      if (max < 1) throw new ApiError(400, 'Invalid fields parameter: snippet length must be at least 1.');
      excerpt = { max, ellipsis: true, snippet: true };
      term = sm[1]!;
    } else if (m) {
      const max = Number(m[2]);
      if (max < 1) throw new ApiError(400, 'Invalid fields parameter: excerpt length must be at least 1.');
      excerpt = { max, ellipsis: ['true', '1', 't'].includes(m[3] ?? 'false') };
      term = m[1]!;
    } else if (term.includes(':')) throw new ApiError(400, `Invalid fields parameter: unknown modifier in "${term}".`);
    let node = root;
    for (const part of term.split('.')) {
      let child = node.children.get(part);
      if (!child) { child = newNode(); node.children.set(part, child); }
      node = child;
    }
    if (excerpt) node.excerpt = excerpt;
  }
  return root;
}

/** Splits on commas that are not inside parentheses (excerpt arguments). */
function splitTerms(param: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of param) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

function project(value: unknown, node: Node, query?: SearchQuery): unknown {
  if (node.excerpt) return excerptOf(value, node.excerpt, query);
  if (node.children.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, node, query));
  if (typeof value !== 'object' || value === null) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const star = node.children.get('*');
  if (star) for (const k of Object.keys(src)) out[k] = project(src[k], star, query);
  for (const [k, child] of node.children) if (k !== '*' && k in src) out[k] = project(src[k], child, query);
  return out;
}

const SKIPPED = ['script', 'style', 'img', 'svg', 'form', 'iframe', 'video', 'audio', 'object', 'head', 'template', 'button', 'input', 'select', 'textarea'];
// The excerpt is the document's text only: html-to-text's presentational extras
// (upper-cased headings and table headers, link URLs, list bullets, quote marks, rules) are turned off.
const TEXT_ONLY = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'table', 'tr', 'th', 'td', 'blockquote', 'pre', 'hr'];
const EXCERPT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    ...SKIPPED.map((selector) => ({ selector, format: 'skip' })),
    ...TEXT_ONLY.map((selector) => ({ selector, format: 'block' })),
    { selector: 'a', format: 'inline' },
  ],
};

type HtmlToText = typeof import('html-to-text');
let htmlToText: HtmlToText | undefined;

function excerptOf(value: unknown, { max, ellipsis, snippet: marked }: Excerpt, query?: SearchQuery): unknown {
  if (typeof value !== 'string') return value;
  // Loaded with the first :excerpt (about 9 MiB), synchronously: projection is synchronous.
  htmlToText ??= createRequire(import.meta.url)('html-to-text') as HtmlToText;
  const text = htmlToText.convert(value, EXCERPT_OPTIONS).replace(/\s+/g, ' ').trim();
  if (marked) return snippet(text, query, max);
  const chars = [...text];
  if (chars.length <= max) return text;
  return chars.slice(0, max).join('').trimEnd() + (ellipsis ? '...' : '');
}

/**
 * Applies the projection to a response payload (list envelopes: to each item);
 * filter: the request's filter, whose first search() `:snippet` marks the words of.
 */
export function applyFields(payload: unknown, param: string, filter?: string): unknown {
  const tree = parseFields(param);
  if (tree.children.size === 0) return payload;
  const query = param.includes(':snippet(') && filter ? searchQueryOf(filter) : undefined;
  if (isListEnvelope(payload)) return { ...payload, items: payload.items.map((i) => project(i, tree, query)) };
  return project(payload, tree, query);
}

/** The query of the filter's first search(); none when there is none (the snippet is then the text's start, unmarked). */
function searchQueryOf(filter: string): SearchQuery | undefined {
  try {
    const call = firstSearchCall(parseCached(filter));
    const text = call?.args.at(-1);
    return text?.kind === 'text' ? parseSearchQuery(text.value) : undefined;
  } catch {
    return undefined; // a 2xx answer had a valid filter; anything else has no words to mark
  }
}

function isListEnvelope(p: unknown): p is { items: unknown[] } {
  return typeof p === 'object' && p !== null && Array.isArray((p as { items?: unknown }).items) && typeof (p as { page?: unknown }).page === 'number';
}
