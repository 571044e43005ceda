/**
 * Splits rule text into coloured pieces for the highlighted layer under a rule's
 * textarea. Unlike the checker (rule-syntax.ts) it never fails: half-typed text is
 * still shown, piece by piece, and the pieces joined give back the text exactly.
 */
export type PieceKind = 'text' | 'string' | 'number' | 'op' | 'join' | 'request' | 'macro' | 'field' | 'comment' | 'paren';
export interface Piece { kind: PieceKind; text: string }

const PATTERNS: [PieceKind, RegExp][] = [
  ['comment', /^\/\/[^\n]*/],
  ['string', /^("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)/],
  ['join', /^(&&|\|\|)/],
  ['op', /^(\?!=|\?>=|\?<=|\?!~|!=|>=|<=|!~|\?=|\?>|\?<|\?~|=|>|<|~)/],
  ['number', /^-?\d+(\.\d+)?/],
  ['request', /^@(request|collection)[\w.:]*/],
  ['macro', /^@\w*/],
  ['field', /^[A-Za-z_#][\w.:]*/],
  ['paren', /^[(),]/],
  ['text', /^\s+/],
];

export function highlightRule(src: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    let hit: Piece | null = null;
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(rest);
      if (m && m[0]) { hit = { kind, text: m[0] }; break; }
    }
    hit ??= { kind: 'text', text: rest[0]! };
    const last = out[out.length - 1];
    if (last && last.kind === hit.kind && hit.kind === 'text') last.text += hit.text;
    else out.push(hit);
    i += hit.text.length;
  }
  return out;
}
