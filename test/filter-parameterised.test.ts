/**
 * The compiler never writes a value from the input into SQL text: every literal and
 * `@request` value ends up in the parameter list, for both dialects (property test on
 * the pure filter module, no database).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CollectionRegistry } from '../src/core/collections/registry.js';
import { newCollection, completeField } from '../src/core/collections/defaults.js';
import { compileCondition } from '../src/core/filter/condition.js';
import { SqlParams } from '../src/core/filter/sql-params.js';
import { EMPTY_REQUEST } from '../src/core/filter/request-data.js';
import type { DialectName } from '../src/store/dialect.js';

function registryFor(dialect: DialectName) {
  const tags = newCollection('base', 'tags', 'tags_id');
  tags.fields.push(completeField({ name: 'label', type: 'text' }));
  const posts = newCollection('base', 'posts', 'posts_id');
  posts.fields.push(
    completeField({ name: 'title', type: 'text' }),
    completeField({ name: 'n', type: 'number' }),
    completeField({ name: 'meta', type: 'json' }),
    completeField({ name: 'tags', type: 'relation', collectionId: 'tags_id', maxSelect: 5 }),
  );
  const registry = new CollectionRegistry(dialect);
  registry.replaceAll([tags, posts]);
  return registry;
}

// Values long and odd enough that they cannot occur in generated SQL by chance (no LIKE
// wildcards, which `~` escapes).
const value = fc.string({ minLength: 6, maxLength: 20 }).map((s) => `Zq${s.replace(/["\\\n\r%_]/g, '')}Qz`);
const template = fc.constantFrom(
  (v: string) => `title = "${v}"`,
  (v: string) => `title ~ "${v}" || n > 3`,
  (v: string) => `tags.label ?= "${v}"`,
  (v: string) => `tags.label != "${v}"`,
  (v: string) => `meta.a.b = "${v}"`,
  (v: string) => `@request.query.q = "${v}" && title:lower = @request.headers.x_v`,
  (v: string) => `strftime("%Y", title) = "${v}"`,
);

describe.each(['sqlite', 'postgres'] as const)('compiled filters on %s', (dialect) => {
  const registry = registryFor(dialect);
  const posts = registry.find('posts')!;

  it('carry every literal as a parameter, never in the SQL text', () => {
    fc.assert(
      fc.property(value, value, template, (v, header, make) => {
        const params = new SqlParams(dialect);
        const request = { ...EMPTY_REQUEST, query: { q: v }, headers: { x_v: header } };
        const sql = compileCondition(posts, [{ source: make(v), client: false }], { registry, params, request, isSuperuser: true });
        expect(sql).not.toContain(v);
        expect(sql).not.toContain(header);
        // Two request values compared with each other fold to a constant; anything else is bound.
        if (make(v).startsWith('@request')) return;
        // (SQLite parameters may be bound by name, as one object.)
        const bound = params.values.flatMap((p) => (typeof p === 'object' && p !== null ? Object.values(p) : [p]));
        expect(bound.some((p) => typeof p === 'string' && p.includes(v.slice(2, -2)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(['sqlite', 'postgres'] as const)('rules known when compiling, on %s', (dialect) => {
  const registry = registryFor(dialect);
  const posts = registry.find('posts')!;
  const compile = (rule: string, authId: string | null) => {
    const params = new SqlParams(dialect);
    const request = { ...EMPTY_REQUEST, auth: authId === null ? null : { id: authId }, authCollection: authId === null ? null : { id: 'users_id', name: 'users' }, query: { q: 'x' } };
    const sql = compileCondition(posts, [{ source: rule, client: false }], { registry, params, request, isSuperuser: false });
    // (SQLite parameters may be bound by name, as one object.)
    return { sql, params: params.values.flatMap((p) => (typeof p === 'object' && p !== null ? Object.values(p) : [p])) };
  };

  it('reduce to TRUE or FALSE, or to their other side, with the parameters in step', () => {
    // A signed-in caller: `@request.auth.id != ""` holds for every row.
    expect(compile('@request.auth.id != ""', 'u1')).toEqual({ sql: '(1 = 1)', params: [] });
    expect(compile('@request.auth.id != ""', null)).toEqual({ sql: '(1 = 0)', params: [] });
    // A guest lists everything, a user their own rows.
    expect(compile('title = @request.auth.id || @request.auth.id = ""', null)).toEqual({ sql: '(1 = 1)', params: [] });
    const own = compile('title = @request.auth.id || @request.auth.id = ""', 'u1');
    expect(own.sql).not.toContain('1 = ');
    expect(own.params).toEqual(['u1']);
    // `x && FALSE` is FALSE only when x took no parameter; otherwise the SQL keeps both sides.
    expect(compile('title = "" && @request.query.q = "y"', 'u1').sql).toBe('(1 = 0)');
    const kept = compile('title = "a" && @request.query.q = "y"', 'u1');
    expect(kept.params).toEqual(['a']);
    expect(kept.sql).toContain(dialect === 'sqlite' ? '@p1' : '$1');
    // TRUE inside a longer condition disappears; the rest stays as it was.
    const rest = compile('(@request.query.q = "x" && title = "b") || n > 5', 'u1');
    expect(rest.params).toEqual(['b', 5]);
    expect(rest.sql).not.toContain('1 = 1');
  });
});
