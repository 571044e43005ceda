/**
 * Syntax tree → SQL condition for one engine (API spec 3.2, 3.6, 3.7). Every literal
 * becomes a parameter; identifiers are resolved against the schema; NULL and ""
 * compare as equal; `~` is a case-insensitive LIKE on both engines; multi-valued
 * operands must match for every value unless the operator is a `?` variant.
 */
import type { Comparison, Expr, Operand as AstOperand, Operator } from './ast.js';
import { FilterError, printable } from './filter-error.js';
import { searchCondition } from './search-function.js';
import type { JoinScope } from './join-scope.js';
import { convertLiteral, isEmptyLiteral, literal, sqlAs, type Literal, type Operand, type SqlOperand } from './operand.js';
import { resolveFieldPath } from './resolve-field-path.js';
import { resolveRequest } from './resolve-request.js';
import { macroInput } from './compile-inputs.js';
import { resolveFunction } from './functions.js';
import type { SqlType } from './sql-params.js';
import { quoteIdent as q } from '../../store/dialect.js';
import type { CompileContext, PathRoot } from './compile-context.js';

export function compileExpr(expr: Expr, root: PathRoot, scope: JoinScope, ctx: CompileContext): string {
  if (expr.kind === 'call') {
    if (expr.call.name === 'search') return searchCondition(expr.call, root, ctx);
    throw new FilterError(`${printable(expr.call.name)}() is not a condition: compare it with a value (position ${expr.pos})`, expr.pos);
  }
  if (expr.kind !== 'cmp') {
    const left = compileSide(expr.left, root, scope, ctx);
    const right = compileSide(expr.right, root, scope, ctx);
    return fold(expr.kind, left, right) ?? `(${left.sql}${expr.kind === 'and' ? ' AND ' : ' OR '}${right.sql})`;
  }
  return compileComparison(expr, root, scope, ctx);
}

/** A compiled operand of AND/OR, and whether dropping its SQL would leave a parameter or join without a use. */
interface Side { sql: string; dropsNothing: boolean }

function compileSide(expr: Expr, root: PathRoot, scope: JoinScope, ctx: CompileContext): Side {
  const params = ctx.params.size;
  const joins = scope.joins.length;
  const sql = compileExpr(expr, root, scope, ctx);
  return { sql, dropsNothing: ctx.params.size === params && scope.joins.length === joins };
}

/**
 * AND/OR with a side known when compiling (a comparison of request values and
 * literals, such as `@request.auth.id != ""`), reduced: `x || TRUE` is TRUE, `x && TRUE`
 * is x. A rule that reduces to TRUE restricts nothing, so the query has no WHERE
 * at all (and the plain count and page queries serve it). A side is only dropped when
 * it added no parameter or join: the placeholders must stay in step.
 */
function fold(kind: 'and' | 'or', left: Side, right: Side): string | undefined {
  const [absorbing, neutral] = kind === 'and' ? [FALSE_SQL, TRUE_SQL] : [TRUE_SQL, FALSE_SQL];
  if (left.sql === absorbing && right.dropsNothing) return absorbing;
  if (right.sql === absorbing && left.dropsNothing) return absorbing;
  if (left.sql === neutral && left.dropsNothing) return right.sql;
  if (right.sql === neutral && right.dropsNothing) return left.sql;
  return undefined;
}

export function resolveOperand(node: AstOperand, root: PathRoot, scope: JoinScope, ctx: CompileContext): Operand {
  switch (node.kind) {
    case 'text': return literal(node.value);
    case 'number': return literal(node.value);
    case 'func':
      // search() compared with a value (`search("x") = false`) is its condition as a boolean.
      if (node.name === 'search') return { kind: 'sql', sql: searchCondition(node, root, ctx), type: 'bool', multi: false };
      return resolveFunction(node, (arg) => resolveOperand(arg, root, scope, ctx), ctx);
    case 'ident': {
      const name = node.name;
      if (name === 'true') return literal(true);
      if (name === 'false') return literal(false);
      if (name === 'null') return literal(null);
      if (name.startsWith('@request.')) {
        if (/^@request\.body\.\w+:changed$/.test(name)) return changedOperand(node.name, node.pos, root, scope, ctx);
        return resolveRequest(name, node.pos, scope, ctx, root);
      }
      if (name.startsWith('@collection.')) return resolveCollection(name, node.pos, scope, ctx);
      if (name.startsWith('@')) {
        const macro = macroInput(ctx, name);
        if (macro) return macro;
        throw new FilterError(`unknown macro "${name}" at position ${node.pos}`, node.pos);
      }
      return resolveFieldPath(name, node.pos, root, scope, ctx);
    }
  }
}

/** `@collection.name[:alias].path`: an unrelated collection joined with no condition. */
function resolveCollection(name: string, pos: number, scope: JoinScope, ctx: CompileContext): Operand {
  const m = /^@collection\.(\w+)(?::(\w+))?\.(.+)$/.exec(name);
  if (!m) throw new FilterError(`invalid "${name}" at position ${pos}: expected @collection.name.field`, pos);
  const collection = ctx.registry.find(m[1]!);
  if (!collection) throw new FilterError(`unknown collection "${m[1]}" in "${name}" at position ${pos}`, pos);
  const alias = scope.join(`@collection.${collection.id}:${m[2] ?? ''}`, 'c', (a) => [`LEFT JOIN ${q(collection.name)} AS ${q(a)} ON TRUE`]);
  const op = resolveFieldPath(m[3]!, pos, { collection, alias }, scope, ctx);
  return op.kind === 'sql' ? { ...op, multi: true } : op;
}

/** `@request.body.f:changed`: submitted and different from the stored value. */
function changedOperand(name: string, pos: number, root: PathRoot, scope: JoinScope, ctx: CompileContext): Operand {
  const field = name.slice('@request.body.'.length, -':changed'.length);
  const isset = resolveRequest(`@request.body.${field}:isset`, pos, scope, ctx) as Literal;
  if (!isset.value) return literal(false);
  const submitted = resolveRequest(`@request.body.${field}`, pos, scope, ctx, root);
  const stored = resolveFieldPath(field, pos, root, scope, ctx);
  return { kind: 'sql', sql: `(CASE WHEN ${compare(submitted, '!=', stored, ctx)} THEN TRUE ELSE FALSE END)`, type: 'bool', multi: false };
}

function compileComparison(cmp: Comparison, root: PathRoot, scope: JoinScope, ctx: CompileContext): string {
  const any = cmp.op.startsWith('?');
  const op = (any ? cmp.op.slice(1) : cmp.op) as Operator;
  const left = resolveOperand(cmp.left, root, scope, ctx);
  const right = resolveOperand(cmp.right, root, scope, ctx);
  const condition = compare(left, op, right, ctx);
  const multi = (o: Operand) => o.kind === 'sql' && o.multi;
  if (any || (!multi(left) && !multi(right))) return condition;
  // Match-all: the joined row matches, and no row of the same paths (rebuilt in a
  // subquery) fails the comparison; an empty set compares as NULL/"" (API spec 3.7).
  const sub = scope.fresh();
  const l2 = resolveOperand(cmp.left, root, sub, ctx);
  const r2 = resolveOperand(cmp.right, root, sub, ctx);
  // Only a row for which the comparison is false fails; an unknown (NULL) one does not (3.7).
  const failing = `NOT (${compare(l2, op, r2, ctx)})`;
  return `(${condition} AND NOT EXISTS (SELECT 1 FROM (SELECT 1) AS "_base" ${sub.joins.join(' ')} WHERE ${failing}))`;
}

/** What a comparison known when compiling becomes (and what AND/OR fold on). */
export const TRUE_SQL = '(1 = 1)';
export const FALSE_SQL = '(1 = 0)';

/** One comparison of two resolved operands, and the guards they carry. */
export function compare(left: Operand, op: Operator, right: Operand, ctx: CompileContext): string {
  const condition = compareValues(left, op, right, ctx);
  const guards = [left, right].flatMap((o) => (o.kind === 'sql' && o.guard ? [o.guard] : []));
  return guards.length ? `(${condition} AND ${guards.join(' AND ')})` : condition;
}

function compareValues(left: Operand, op: Operator, right: Operand, ctx: CompileContext): string {
  if (op === '~' || op === '!~') return like(left, op === '!~', right, ctx);
  if (left.kind === 'literal' && right.kind === 'literal') return compareLiterals(left.value, op, right.value) ? TRUE_SQL : FALSE_SQL;

  // JSON values and geoDistance compare directly, NULL-aware, without ""/NULL equivalence.
  const plain = (left.kind === 'sql' && left.plain) || (right.kind === 'sql' && right.plain);
  if (plain) return comparePlain(left, op, right, ctx);

  if (op === '=' || op === '!=') {
    const eq = op === '=';
    for (const [a, b] of [[left, right], [right, left]] as const) {
      if (isEmptyLiteral(b) && a.kind === 'sql') {
        if (a.type === 'text') return eq ? `(${a.sql} = '' OR ${a.sql} IS NULL)` : `(${a.sql} != '' AND ${a.sql} IS NOT NULL)`;
        return eq ? `(${a.sql} IS NULL)` : `(${a.sql} IS NOT NULL)`;
      }
    }
  }
  const type = comparisonType(left, right);
  const l = emit(left, type, ctx);
  const r = emit(right, type, ctx);
  if (op === '=' || op === '!=') {
    // A known non-empty literal cannot equal NULL or "": a plain comparison means the
    // same and lets an index serve it (`owner = @request.auth.id`).
    const known = (left.kind === 'literal' && left.value !== null && left.value !== '') || (right.kind === 'literal' && right.value !== null && right.value !== '');
    if (type === 'text' && known && op === '=') return `(${l} = ${r})`;
    if (type === 'text' && known) return ctx.dialect === 'sqlite' ? `(${l} IS NOT ${r})` : `(${l} IS DISTINCT FROM ${r})`;
    if (type === 'text') return `(COALESCE(${l}, '') ${op === '=' ? '=' : '!='} COALESCE(${r}, ''))`;
    if (ctx.dialect === 'sqlite') return `(${l} ${op === '=' ? 'IS' : 'IS NOT'} ${r})`;
    return `(${l} IS ${op === '=' ? 'NOT ' : ''}DISTINCT FROM ${r})`;
  }
  return `(${l} ${op} ${r})`;
}

/** The type both sides are compared in: a literal adapts to the other side when it can. */
function comparisonType(left: Operand, right: Operand): SqlType {
  const sqlSide = left.kind === 'sql' ? left : right.kind === 'sql' ? right : undefined;
  const other = sqlSide === left ? right : left;
  if (!sqlSide) return 'text';
  if (other.kind === 'literal') return convertLiteral(other.value, sqlSide.type) === undefined ? 'text' : sqlSide.type;
  return sqlSide.type === other.type ? sqlSide.type : 'text';
}

function emit(o: Operand, type: SqlType, ctx: CompileContext): string {
  if (o.kind === 'sql') return sqlAs(o, type, ctx.dialect);
  if (o.value === null) return ctx.dialect === 'sqlite' ? 'NULL' : `NULL::${type === 'number' ? 'double precision' : type === 'bool' ? 'boolean' : 'text'}`;
  return ctx.params.add(convertLiteral(o.value, type) ?? String(o.value), type);
}

function comparePlain(left: Operand, op: Operator, right: Operand, ctx: CompileContext): string {
  const [l, r] = ctx.dialect === 'sqlite' ? plainSidesSqlite(left, right, ctx) : plainSidesPostgres(left, right, ctx);
  if (op === '=') return `(${l} IS ${ctx.dialect === 'sqlite' ? '' : 'NOT DISTINCT FROM '}${r})`;
  if (op === '!=') return `(${l} IS ${ctx.dialect === 'sqlite' ? 'NOT' : 'DISTINCT FROM'} ${r})`;
  return `(${l} ${op} ${r})`;
}

function plainSidesSqlite(left: Operand, right: Operand, ctx: CompileContext): [string, string] {
  const side = (o: Operand) => {
    if (o.kind === 'sql') return o.sql;
    if (o.value === null) return 'NULL';
    return ctx.params.add(o.value, typeof o.value === 'number' ? 'number' : typeof o.value === 'boolean' ? 'bool' : 'text');
  };
  // geoDistance is a number on both engines; compare numbers to it directly.
  const numeric = (o: Operand) => o.kind === 'sql' && o.type === 'number';
  const l = numeric(right) && left.kind === 'literal' && left.value !== null ? emit(left, 'number', ctx) : side(left);
  const r = numeric(left) && right.kind === 'literal' && right.value !== null ? emit(right, 'number', ctx) : side(right);
  return [l, r];
}

/**
 * PostgreSQL compares only values of one type: jsonb when either side is JSON (the other
 * side converted with to_jsonb), else a number (geoDistance) when the other side can be
 * one, else text.
 */
function plainSidesPostgres(left: Operand, right: Operand, ctx: CompileContext): [string, string] {
  const both = [left, right];
  const numeric = both.every((o) => o.kind === 'sql' || o.value === null || convertLiteral(o.value, 'number') !== undefined);
  const type: SqlType = both.some((o) => o.kind === 'sql' && o.type === 'json') ? 'json' : numeric ? 'number' : 'text';
  const side = (o: Operand) => {
    if (o.kind === 'sql') return type !== 'json' ? sqlAs(o, type, ctx.dialect) : o.type === 'json' ? o.sql : `to_jsonb(${o.sql})`;
    if (o.value === null) return 'NULL';
    if (type !== 'json') return emit(o, type, ctx);
    // SQLite reads an object or array as its JSON text, which then equals the same text
    // given as a literal (or as @request.body.meta): here such a text is compared as jsonb.
    if (isJsonContainer(o.value)) return ctx.params.add(o.value, 'json');
    return `to_jsonb(${ctx.params.add(o.value, typeof o.value === 'number' ? 'number' : typeof o.value === 'boolean' ? 'bool' : 'text')})`;
  };
  return [side(left), side(right)];
}

function isJsonContainer(value: Literal['value']): boolean {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return false;
  try {
    return typeof JSON.parse(value) === 'object';
  } catch {
    return false;
  }
}

/** `~` / `!~`: contains, or a LIKE pattern when the literal has an unescaped %. */
function like(left: Operand, negate: boolean, right: Operand, ctx: CompileContext): string {
  const text = (o: Operand) => (o.kind === 'sql' ? sqlAs(o, 'text', ctx.dialect) : undefined);
  const l = left.kind === 'literal' ? ctx.params.add(left.value === null ? '' : String(left.value)) : text(left)!;
  let pattern: string;
  if (right.kind === 'literal') {
    pattern = ctx.params.add(likePattern(right.value === null ? '' : String(right.value)));
  } else {
    pattern = `('%' || ${text(right)} || '%')`;
  }
  const op = ctx.dialect === 'sqlite' ? 'LIKE' : 'ILIKE';
  return `(COALESCE(${l}, '') ${negate ? 'NOT ' : ''}${op} ${pattern} ESCAPE '\\')`;
}

/**
 * The LIKE pattern of a `~` literal (API spec 3.2): with an unescaped % the text is the
 * pattern; otherwise a contains search with `\`, `%` and `_` escaped — except where the
 * text escapes them already (`100\%` searches for "100%"), as PocketBase does.
 */
function likePattern(raw: string): string {
  const tokens: string[] = raw.match(/\\[\\%_]|[\s\S]/g) ?? []; // escape pairs stay together
  // A trailing lone backslash escapes nothing: an error on PostgreSQL, so it is made literal.
  if (tokens.includes('%')) return tokens.at(-1) === '\\' ? `${raw}\\` : raw;
  return `%${tokens.map((t) => (t === '\\' || t === '%' || t === '_' ? `\\${t}` : t)).join('')}%`;
}

function compareLiterals(a: Literal['value'], op: Operator, b: Literal['value']): boolean {
  const empty = (v: Literal['value']) => v === null || v === '';
  if (op === '=') return empty(a) && empty(b) ? true : a === b || (typeof a !== typeof b && String(a) === String(b));
  if (op === '!=') return !compareLiterals(a, '=', b);
  if (a === null || b === null) return false;
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  switch (op) {
    case '>': return x > y;
    case '>=': return x >= y;
    case '<': return x < y;
    case '<=': return x <= y;
    default: return false;
  }
}

export type { SqlOperand };
