/**
 * A record field path (`title`, `author.org.name`, `comments_via_post.text`,
 * `meta.a.0.b`, `tags:each`, `tags:length`, `title:lower`) → a SQL operand, adding
 * the LEFT JOINs it needs to the scope (API spec 3.3, 3.4, 3.7, 3.8).
 */
import { quoteIdent as q } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { isMultiple } from '../fields/multi-value.js';
import type { FieldModel } from '../fields/field.js';
import { parseIndex } from '../collections/indexes.js';
import { FilterError } from './filter-error.js';
import type { JoinScope } from './join-scope.js';
import type { SqlOperand } from './operand.js';
import type { SqlType } from './sql-params.js';
import { MAX_RELATION_DEPTH, type CompileContext, type PathRoot } from './compile-context.js';

const MODIFIERS = new Set(['each', 'length', 'lower']);

export function fieldSqlType(field: FieldModel): SqlType {
  switch (field.type) {
    case 'number': return 'number';
    case 'bool': return 'bool';
    case 'json':
    case 'geoPoint': return 'json';
    default: return ['select', 'relation', 'file'].includes(field.type) && isMultiple(field) ? 'json' : 'text';
  }
}

/** Splits `a.b:mod` into segments and a modifier. */
export function splitPath(path: string, pos: number): { segments: string[]; modifier: string } {
  const colon = path.indexOf(':');
  const modifier = colon >= 0 ? path.slice(colon + 1) : '';
  const segments = (colon >= 0 ? path.slice(0, colon) : path).split('.');
  if (segments.some((s) => s === '')) throw new FilterError(`invalid identifier "${path}" at position ${pos}`, pos);
  if (modifier && (modifier.includes(':') || modifier.includes('.')))
    throw new FilterError(`invalid modifier in "${path}" at position ${pos}`, pos);
  return { segments, modifier };
}

export function resolveFieldPath(path: string, pos: number, root: PathRoot, scope: JoinScope, ctx: CompileContext): SqlOperand {
  const { segments, modifier } = splitPath(path, pos);
  if (modifier && !MODIFIERS.has(modifier)) throw new FilterError(`unknown modifier ":${modifier}" in "${path}" at position ${pos}`, pos);
  let cur = root;
  let multi = false;
  let depth = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const field = cur.collection.field(seg)?.model;
    if (field) {
      checkVisible(cur.collection, field, path, pos, ctx);
      // Vectors compare as opaque values (and not at all on PostgreSQL): they are searched, not filtered.
      if (field.type === 'vector') throw new FilterError(`"${path}" is a vector field: vectors cannot be filtered, use the search endpoint (position ${pos})`, pos);
      if (last) return withEmailGuard(cur, field, finalField(cur, field, modifier, multi, path, pos, scope, ctx), ctx);
      if (field.type === 'json' || field.type === 'geoPoint') {
        if (modifier && modifier !== 'lower') throw new FilterError(`":${modifier}" cannot be used on a JSON path ("${path}")`, pos);
        return jsonPath(cur, field, segments.slice(i + 1), modifier, multi, ctx);
      }
      if (field.type !== 'relation') throw new FilterError(`"${seg}" in "${path}" is not a relation field (position ${pos})`, pos);
      if (++depth > MAX_RELATION_DEPTH) throw new FilterError(`"${path}" goes deeper than ${MAX_RELATION_DEPTH} relations`, pos);
      const target = ctx.registry.find(field.collectionId as string);
      if (!target) throw new FilterError(`the collection of relation "${seg}" no longer exists`, pos);
      const restriction = relationRestriction(target, path, pos, ctx);
      const key = `${cur.alias}.${seg}`;
      const many = isMultiple(field);
      const alias = scope.join(key, 'r', (a) => relationJoin(cur.alias, field.name, target, a, many, restriction, ctx));
      multi ||= many;
      cur = { collection: target, alias };
      continue;
    }
    const via = /^(\w+)_via_(\w+)$/.exec(seg);
    if (via && !last) {
      const source = ctx.registry.find(via[1]!);
      const refField = source?.field(via[2]!)?.model;
      if (!source || !refField || refField.type !== 'relation' || refField.collectionId !== cur.collection.id)
        throw new FilterError(`unknown back-relation "${seg}" in "${path}" (position ${pos})`, pos);
      checkVisible(source, refField, path, pos, ctx);
      if (++depth > MAX_RELATION_DEPTH) throw new FilterError(`"${path}" goes deeper than ${MAX_RELATION_DEPTH} relations`, pos);
      const restriction = relationRestriction(source, path, pos, ctx);
      const alias = scope.join(`${cur.alias}.${seg}`, 'b', (a) => backRelationJoin(cur.alias, source, refField, a, restriction, ctx));
      multi ||= !(isUniqueSingle(source, refField));
      cur = { collection: source, alias };
      continue;
    }
    throw new FilterError(`unknown field "${seg}" in "${path}" at position ${pos}`, pos);
  }
  throw new FilterError(`"${path}" must end with a field name (position ${pos})`, pos);
}

function checkVisible(collection: Collection, field: FieldModel, path: string, pos: number, ctx: CompileContext): void {
  if (!ctx.client || ctx.isSuperuser) return;
  const secret = field.type === 'password' || (collection.isAuth && field.name === 'tokenKey');
  if (field.hidden || secret) throw new FilterError(`"${path}" is not a filterable field (position ${pos})`, pos);
}

/** In client filters an auth email only matches where emailVisibility is true (3.8). */
function withEmailGuard(cur: PathRoot, field: FieldModel, operand: SqlOperand, ctx: CompileContext): SqlOperand {
  if (!ctx.client || ctx.isSuperuser || !cur.collection.isAuth || field.name !== 'email') return operand;
  return { ...operand, guard: `${q(cur.alias)}."emailVisibility" = TRUE` };
}

/** In client filters a traversed collection's list rule applies to its joined rows (3.8). */
function relationRestriction(target: Collection, path: string, pos: number, ctx: CompileContext): string[] | undefined {
  if (!ctx.client || ctx.isSuperuser) return undefined;
  if (target.model.listRule === null) throw new FilterError(`"${path}" reaches a collection you cannot list (position ${pos})`, pos);
  if (target.model.listRule.trim() === '') return undefined;
  return [target.model.listRule];
}

function isUniqueSingle(collection: Collection, field: FieldModel): boolean {
  if (isMultiple(field)) return false;
  return collection.model.indexes.some((s) => {
    const i = parseIndex(s);
    return i.unique && i.columns.length === 1 && i.columns[0]!.name === field.name && i.where.length === 0;
  });
}

/** Set by rule-condition.ts (it compiles list rules inside joins); avoids a module cycle. */
export const restrictionCompiler: { compile?: (collection: Collection, rule: string, alias: string, ctx: CompileContext) => string } = {};

function restrictionSql(target: Collection, alias: string, restriction: string[] | undefined, ctx: CompileContext): string {
  if (!restriction || !restrictionCompiler.compile) return '';
  return ` AND ${restrictionCompiler.compile(target, restriction[0]!, alias, ctx)}`;
}

function relationJoin(from: string, field: string, target: Collection, alias: string, many: boolean, restriction: string[] | undefined, ctx: CompileContext): string[] {
  const extra = restrictionSql(target, alias, restriction, ctx);
  if (!many) return [`LEFT JOIN ${q(target.name)} AS ${q(alias)} ON ${q(alias)}."id" = ${q(from)}.${q(field)}${extra}`];
  const each = `${alias}_each`;
  const source = ctx.dialect === 'sqlite'
    ? `LEFT JOIN json_each(${q(from)}.${q(field)}) AS ${q(each)} ON TRUE`
    : `LEFT JOIN LATERAL jsonb_array_elements_text(${q(from)}.${q(field)}) AS ${q(each)}("value") ON TRUE`;
  return [source, `LEFT JOIN ${q(target.name)} AS ${q(alias)} ON ${q(alias)}."id" = ${q(each)}."value"${extra}`];
}

function backRelationJoin(from: string, source: Collection, field: FieldModel, alias: string, restriction: string[] | undefined, ctx: CompileContext): string[] {
  const extra = restrictionSql(source, alias, restriction, ctx);
  const col = `${q(alias)}.${q(field.name)}`;
  const on = !isMultiple(field)
    ? `${col} = ${q(from)}."id"`
    : ctx.dialect === 'sqlite'
      ? `EXISTS (SELECT 1 FROM json_each(${col}) WHERE json_each.value = ${q(from)}."id")`
      : `${col} @> jsonb_build_array(${q(from)}."id")`;
  return [`LEFT JOIN ${q(source.name)} AS ${q(alias)} ON ${on}${extra}`];
}

function finalField(cur: PathRoot, field: FieldModel, modifier: string, multi: boolean, path: string, pos: number, scope: JoinScope, ctx: CompileContext): SqlOperand {
  const col = `${q(cur.alias)}.${q(field.name)}`;
  const listy = ['select', 'relation', 'file'].includes(field.type) && isMultiple(field);
  const type = fieldSqlType(field);
  const plain = type === 'json';
  if (modifier === 'length') {
    if (!listy) throw new FilterError(`":length" needs a multiple select, relation or file field ("${path}", position ${pos})`, pos);
    return { kind: 'sql', sql: ctx.dialect === 'sqlite' ? `json_array_length(${col})` : `jsonb_array_length(${col})`, type: 'number', multi };
  }
  if (modifier === 'each') {
    if (!listy) throw new FilterError(`":each" needs a multiple select, relation or file field ("${path}", position ${pos})`, pos);
    const each = scope.join(`${cur.alias}.${field.name}:each`, 'e', (a) => [
      ctx.dialect === 'sqlite'
        ? `LEFT JOIN json_each(${col}) AS ${q(a)} ON TRUE`
        : `LEFT JOIN LATERAL jsonb_array_elements_text(${col}) AS ${q(a)}("value") ON TRUE`,
    ]);
    return { kind: 'sql', sql: `${q(each)}."value"`, type: 'text', multi: true };
  }
  if (modifier === 'lower') {
    const text = ctx.dialect === 'postgres' && type !== 'text' ? (listy ? compactJsonList(col) : `(${col})::text`) : col;
    return { kind: 'sql', sql: `LOWER(${text})`, type: 'text', multi };
  }
  // A multiple field compared whole is compared as its stored JSON text.
  if (listy) return { kind: 'sql', sql: ctx.dialect === 'sqlite' ? col : compactJsonList(col), type: 'text', multi };
  return { kind: 'sql', sql: col, type, multi, plain };
}

/**
 * A jsonb list as the compact JSON text SQLite stores (`["a","b"]`): jsonb's own text form
 * puts a space after each comma, and would differ from the submitted value `:changed`
 * compares with. NULL stays NULL (no joined row).
 */
function compactJsonList(col: string): string {
  return `(CASE WHEN ${col} IS NULL THEN NULL ELSE (SELECT '[' || COALESCE(string_agg(to_json("_v"."value")::text, ',' ORDER BY "_v"."n"), '') || ']' `
    + `FROM jsonb_array_elements_text(${col}) WITH ORDINALITY AS "_v"("value", "n")) END)`;
}

function jsonPath(cur: PathRoot, field: FieldModel, rest: string[], modifier: string, multi: boolean, ctx: CompileContext): SqlOperand {
  const col = `${q(cur.alias)}.${q(field.name)}`;
  let sql: string;
  if (ctx.dialect === 'sqlite') {
    // Keys quoted (JSON string syntax, which SQLite's paths accept), so `[`, `.`, quotes or spaces in a key are part of it, never path syntax.
    const jsonPathText = '$' + rest.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${JSON.stringify(s)}`)).join('');
    sql = `json_extract(${col}, ${ctx.params.add(jsonPathText)})`;
  } else {
    // A text[] literal: each key double-quoted, its `"` and `\` escaped.
    sql = `(${col} #> ${ctx.params.add(`{${rest.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`)}::text[])`;
  }
  if (modifier === 'lower') {
    const text = ctx.dialect === 'sqlite' ? sql : `(${sql} #>> '{}')`;
    return { kind: 'sql', sql: `LOWER(${text})`, type: 'text', multi };
  }
  return { kind: 'sql', sql, type: ctx.dialect === 'sqlite' ? 'text' : 'json', multi, plain: true };
}
