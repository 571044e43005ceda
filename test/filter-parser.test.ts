/**
 * The filter parser on its own (a pure module): hostile input only ever produces a
 * FilterError, and every expression built from the grammar parses.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFilter } from '../src/core/filter/parser.js';
import { FilterError } from '../src/core/filter/filter-error.js';
import type { Expr } from '../src/core/filter/ast.js';

const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}(\.[a-z_][a-z0-9_]{0,8}){0,2}$/);
const text = fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/\\/g, '').replace(/"/g, '\\"')}"`);
const num = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }).map(String), fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }).map((f) => f.toFixed(3)));
const operand = fc.oneof(ident, text, num, fc.constantFrom('true', 'false', 'null', '@now', '@request.auth.id'));
const op = fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '~', '!~', '?=', '?!=', '?>', '?>=', '?<', '?<=', '?~', '?!~');
interface Built { src: string; comparisons: number }
const comparison = fc.tuple(operand, op, operand).map(([a, o, b]): Built => ({ src: `${a} ${o} ${b}`, comparisons: 1 }));
const expr: fc.Arbitrary<Built> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc.tuple(tie('e') as fc.Arbitrary<Built>, fc.constantFrom('&&', '||'), tie('e') as fc.Arbitrary<Built>)
      .map(([a, j, b]) => ({ src: `${a.src} ${j} ${b.src}`, comparisons: a.comparisons + b.comparisons })),
    (tie('e') as fc.Arbitrary<Built>).map((e) => ({ src: `(${e.src})`, comparisons: e.comparisons })),
  ),
})).e;

function countComparisons(e: Expr): number {
  return e.kind === 'cmp' || e.kind === 'call' ? 1 : countComparisons(e.left) + countComparisons(e.right);
}

describe('filter parser', () => {
  it('never throws anything but FilterError, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: fc.constantFrom(...'ab=!~?<>&|()"\'\\ .,@:/\n_-19'.split('')), maxLength: 80 })), (src) => {
        try {
          parseFilter(src);
        } catch (err) {
          expect(err).toBeInstanceOf(FilterError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('parses every expression built from the grammar', () => {
    fc.assert(
      fc.property(expr, ({ src, comparisons }) => {
        expect(countComparisons(parseFilter(src))).toBe(Math.min(comparisons, 200));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives && precedence over ||', () => {
    const ast = parseFilter('a=1 || b=2 && c=3');
    expect(ast.kind).toBe('or');
    expect((ast as { right: Expr }).right.kind).toBe('and');
  });

  it('unescapes only the enclosing quote', () => {
    const ast = parseFilter(`a = 'it\\'s \\d' && b = "say \\"hi\\""`);
    const [l, r] = [(ast as { left: Expr }).left, (ast as { right: Expr }).right] as { right: { value: string } }[];
    expect(l!.right.value).toBe("it's \\d");
    expect(r!.right.value).toBe('say "hi"');
  });

  it('reports where the problem is', () => {
    expect(() => parseFilter('title = ')).toThrow(FilterError);
    expect(() => parseFilter('title = "x" &&')).toThrow(/end of the expression/);
    expect(() => parseFilter('title $ 1')).toThrow(/position 6/);
    // The whole character, never half of a surrogate pair.
    expect(() => parseFilter('😀title = 1')).toThrow('unexpected character "😀" at position 0');
    expect(() => parseFilter('title. = 1')).toThrow(/must not end/);
    expect(() => parseFilter('')).toThrow(/empty/);
  });

  it('enforces the comparison limit', () => {
    const src = Array.from({ length: 201 }, (_, i) => `a = ${i}`).join(' || ');
    expect(() => parseFilter(src)).toThrow(/too many comparisons/);
    expect(() => parseFilter(src.split(' || ').slice(0, 200).join(' || '))).not.toThrow();
  });

  it('drops empty groups and ignores comments', () => {
    expect(parseFilter('() && a = 1 // trailing comment').kind).toBe('cmp');
  });
});
