/**
 * A client-side check of the rule grammar (API spec 3.1), run as the user types, so
 * most mistakes show before saving. The server still validates fields and paths on
 * save (`validation_invalid_rule`); this only catches syntax and unknown plain fields.
 */
type Tok = { kind: 'id' | 'text' | 'num' | 'op' | 'join' | '(' | ')' | ','; value: string; at: number };

const OPS = ['?!=', '?>=', '?<=', '?!~', '!=', '>=', '<=', '!~', '?=', '?>', '?<', '?~', '=', '>', '<', '~'];

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (src.startsWith('//', i)) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '(' || c === ')' || c === ',') { toks.push({ kind: c, value: c, at: i }); i++; continue; }
    if (src.startsWith('&&', i) || src.startsWith('||', i)) { toks.push({ kind: 'join', value: src.slice(i, i + 2), at: i }); i += 2; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { toks.push({ kind: 'op', value: op, at: i }); i += op.length; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new SyntaxError(`unterminated text starting at character ${i + 1}`);
      toks.push({ kind: 'text', value: src.slice(i, j + 1), at: i });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) { toks.push({ kind: 'num', value: num[0], at: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_@#][\w.:]*/.exec(src.slice(i));
    if (id) {
      if (/[.:]$/.test(id[0])) throw new SyntaxError(`"${id[0]}" must not end with "${id[0].slice(-1)}"`);
      toks.push({ kind: 'id', value: id[0], at: i });
      i += id[0].length;
      continue;
    }
    throw new SyntaxError(`unexpected "${c}" at character ${i + 1}`);
  }
  return toks;
}

/** Parses; returns the plain identifiers used (for the unknown-field check). */
function parse(toks: Tok[]): string[] {
  let p = 0;
  const ids: string[] = [];
  const peek = () => toks[p];
  const where = () => (peek() ? `at character ${peek()!.at + 1}` : 'at the end');
  const operand = () => {
    const t = peek();
    if (!t || !['id', 'text', 'num'].includes(t.kind)) throw new SyntaxError(`expected a field, text or number ${where()}`);
    p++;
    if (t.kind === 'id' && peek()?.kind === '(') {
      p++;
      while (peek() && peek()!.kind !== ')') {
        operand();
        if (peek()?.kind === ',') p++;
        else break;
      }
      if (peek()?.kind !== ')') throw new SyntaxError(`expected ")" ${where()}`);
      p++;
    } else if (t.kind === 'id') ids.push(t.value);
  };
  const group = () => {
    if (peek()?.kind === '(') {
      p++;
      if (peek()?.kind === ')') { p++; return; } // empty groups are dropped by the server
      expr();
      if (peek()?.kind !== ')') throw new SyntaxError(`expected ")" ${where()}`);
      p++;
      return;
    }
    operand();
    if (peek()?.kind !== 'op') throw new SyntaxError(`expected an operator such as = or != ${where()}`);
    p++;
    operand();
  };
  const expr = () => {
    group();
    while (peek()?.kind === 'join') { p++; group(); }
  };
  expr();
  if (p < toks.length) throw new SyntaxError(`expected && or || ${where()}`);
  return ids;
}

const LITERALS = new Set(['true', 'false', 'null']);

/** A problem with the rule, or '' when it looks fine. `fields` are the draft's field names. */
export function checkRule(rule: string, fields: string[]): string {
  if (rule.trim() === '') return '';
  try {
    const toks = tokenize(rule);
    if (toks.length === 0) return '';
    for (const id of parse(toks)) {
      if (id.startsWith('@') || LITERALS.has(id) || id.includes('_via_')) continue;
      const first = id.split(/[.:]/)[0]!;
      if (!fields.includes(first)) return `Unknown field "${first}".`;
    }
    return '';
  } catch (err) {
    return `Syntax error: ${(err as Error).message}.`;
  }
}
