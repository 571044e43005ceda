/**
 * Tokens → syntax tree, with SQL precedence (&& binds tighter than ||), parentheses,
 * empty groups dropped, and the limits of API spec 3.9 (comparisons, nesting).
 */
import type { Call, Comparison, Expr, Operand, Operator } from './ast.js';
import { FilterError } from './filter-error.js';
import { tokenize, type Token } from './lexer.js';

export const MAX_COMPARISONS = 200;
const MAX_GROUP_DEPTH = 32;
const MAX_FUNCTION_DEPTH = 3;

export function parseFilter(src: string): Expr {
  if (src.trim() === '') throw new FilterError('empty filter expression');
  const parser = new Parser(tokenize(src));
  const expr = parser.filter(0);
  if (parser.peek()) throw new FilterError(`unexpected "${parser.peek()!.value}" at position ${parser.peek()!.pos}`, parser.peek()!.pos);
  if (!expr) throw new FilterError('empty filter expression');
  return expr;
}

class Parser {
  private i = 0;
  private comparisons = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new FilterError('unexpected end of the expression');
    return t;
  }

  /** filter := group { join group }, where && binds tighter. Null for "()" */
  filter(depth: number): Expr | null {
    if (depth > MAX_GROUP_DEPTH) throw new FilterError(`too many nested parentheses (max ${MAX_GROUP_DEPTH})`);
    let result = this.conjunction(depth);
    while (this.peek()?.type === 'join' && this.peek()!.value === '||') {
      this.next();
      const right = this.conjunction(depth);
      result = !result ? right : !right ? result : { kind: 'or', left: result, right };
    }
    return result;
  }

  private conjunction(depth: number): Expr | null {
    let result = this.primary(depth);
    while (this.peek()?.type === 'join' && this.peek()!.value === '&&') {
      this.next();
      const right = this.primary(depth);
      result = !result ? right : !right ? result : { kind: 'and', left: result, right };
    }
    return result;
  }

  private primary(depth: number): Expr | null {
    const t = this.peek();
    if (!t) throw new FilterError('unexpected end of the expression');
    if (t.type === 'lparen') {
      this.next();
      if (this.peek()?.type === 'rparen') { this.next(); return null; }
      const inner = this.filter(depth + 1);
      const close = this.next();
      if (close.type !== 'rparen') throw new FilterError(`expected ")" at position ${close.pos}`, close.pos);
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Comparison | Call {
    const left = this.operand(0);
    // A function call with no operator after it is a condition of its own (search()).
    if (left.kind === 'func' && this.peek()?.type !== 'op') {
      if (++this.comparisons > MAX_COMPARISONS) throw new FilterError(`too many comparisons (max ${MAX_COMPARISONS})`, left.pos);
      return { kind: 'call', call: left, pos: left.pos };
    }
    const opTok = this.next();
    if (opTok.type !== 'op') throw new FilterError(`expected an operator after the operand at position ${left.pos}, found "${opTok.value}"`, opTok.pos);
    const right = this.operand(0);
    if (++this.comparisons > MAX_COMPARISONS) throw new FilterError(`too many comparisons (max ${MAX_COMPARISONS})`, left.pos);
    return { kind: 'cmp', left, op: opTok.value as Operator, right, pos: left.pos };
  }

  private operand(fnDepth: number): Operand {
    const t = this.next();
    switch (t.type) {
      case 'text': return { kind: 'text', value: t.value, pos: t.pos };
      case 'number': return { kind: 'number', value: Number(t.value), pos: t.pos };
      case 'ident': {
        if (this.peek()?.type !== 'lparen') return { kind: 'ident', name: t.value, pos: t.pos };
        if (fnDepth >= MAX_FUNCTION_DEPTH) throw new FilterError(`functions nested too deeply at position ${t.pos}`, t.pos);
        this.next();
        const args: Operand[] = [];
        while (this.peek()?.type !== 'rparen') {
          args.push(this.operand(fnDepth + 1));
          const sep = this.peek();
          if (sep?.type === 'comma') { this.next(); continue; }
          if (sep?.type !== 'rparen') throw new FilterError(`expected "," or ")" in the arguments of ${t.value}() at position ${sep?.pos ?? t.pos}`, sep?.pos ?? t.pos);
        }
        this.next();
        return { kind: 'func', name: t.value, args, pos: t.pos };
      }
      default:
        throw new FilterError(`expected a field, text or number at position ${t.pos}, found "${t.value}"`, t.pos);
    }
  }
}
