/**
 * Tokens of the filter language: identifiers (fields, @macros, paths with . and :
 * modifiers), quoted texts, numbers, operators, && ||, parentheses, commas.
 * `//` comments run to the end of the line.
 */
import { FilterError } from './filter-error.js';

export type Token =
  | { type: 'ident'; value: string; pos: number }
  | { type: 'text'; value: string; pos: number }
  | { type: 'number'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'join'; value: '&&' | '||'; pos: number }
  | { type: 'lparen' | 'rparen' | 'comma'; value: string; pos: number };

const OPS = ['?!=', '?>=', '?<=', '?!~', '?=', '?>', '?<', '?~', '!=', '>=', '<=', '!~', '=', '>', '<', '~'];
const IDENT_START = /[A-Za-z_@#]/;
const IDENT_PART = /[A-Za-z0-9_.:@#]/;

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') { i++; continue; }
    if (ch === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const pos = i;
    if (ch === '(') { tokens.push({ type: 'lparen', value: ch, pos }); i++; continue; }
    if (ch === ')') { tokens.push({ type: 'rparen', value: ch, pos }); i++; continue; }
    if (ch === ',') { tokens.push({ type: 'comma', value: ch, pos }); i++; continue; }
    if ((ch === '&' && src[i + 1] === '&') || (ch === '|' && src[i + 1] === '|')) {
      tokens.push({ type: 'join', value: (ch + ch) as '&&' | '||', pos });
      i += 2;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterError(`unterminated text starting at position ${pos}`, pos);
        const c = src[i]!;
        if (c === '\\' && src[i + 1] === ch) { value += ch; i += 2; continue; }
        if (c === ch) { i++; break; }
        value += c;
        i++;
      }
      tokens.push({ type: 'text', value, pos });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < src.length && /[0-9]/.test(src[j]!)) j++;
      if (src[j] === '.') {
        if (!/[0-9]/.test(src[j + 1] ?? '')) throw new FilterError(`invalid number at position ${pos}`, pos);
        j++;
        while (j < src.length && /[0-9]/.test(src[j]!)) j++;
      }
      if (j < src.length && /[A-Za-z_.]/.test(src[j]!)) throw new FilterError(`invalid number at position ${pos}`, pos);
      tokens.push({ type: 'number', value: src.slice(i, j), pos });
      i = j;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j]!)) j++;
      const value = src.slice(i, j);
      if (value.endsWith('.') || value.endsWith(':')) throw new FilterError(`identifier "${value}" at position ${pos} must not end with "${value.at(-1)}"`, pos);
      tokens.push({ type: 'ident', value, pos });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', value: op, pos });
      i += op.length;
      continue;
    }
    // The whole character, not half of a surrogate pair (an emoji is two UTF-16 units).
    throw new FilterError(`unexpected character "${String.fromCodePoint(src.codePointAt(i)!)}" at position ${pos}`, pos);
  }
  return tokens;
}
