/**
 * `@request.*` identifiers (API spec 3.3, 3.4): values of the current request,
 * emitted as literals, or as a JSON parameter expanded with :each; relation paths
 * from the auth record (`@request.auth.team.name`) join the auth collection.
 */
import { quoteIdent as q } from '../../store/dialect.js';
import { FilterError } from './filter-error.js';
import type { JoinScope } from './join-scope.js';
import { literal, type Operand } from './operand.js';
import { resolveFieldPath, splitPath } from './resolve-field-path.js';
import type { CompileContext, PathRoot } from './compile-context.js';
import type { FieldModel } from '../fields/field.js';
import { isMultiple } from '../fields/multi-value.js';
import { requestInput } from './compile-inputs.js';

const AUTH_DIRECT = new Set(['id', 'collectionId', 'collectionName']);

type Scalar = string | number | boolean | null;

function toLiteral(value: unknown): Operand {
  if (value === undefined || value === null) return literal(null);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return literal(value);
  return literal(JSON.stringify(value));
}

export function resolveRequest(name: string, pos: number, scope: JoinScope, ctx: CompileContext, root?: PathRoot): Operand {
  const { segments, modifier } = splitPath(name, pos); // segments[0] === '@request'
  const [, area, ...rest] = segments;
  switch (area) {
    case 'context':
    case 'method': {
      if (rest.length) break;
      if (modifier === 'isset') return literal(true);
      if (modifier && modifier !== 'lower') break;
      const value = String(requestInput(ctx, area, []).value);
      return literal(modifier === 'lower' ? value.toLowerCase() : value);
    }
    case 'headers':
    case 'query': {
      if (rest.length !== 1) break;
      const value = requestInput(ctx, area, rest).value as string | undefined;
      if (modifier === 'isset') return literal(value !== undefined);
      if (modifier === 'lower') return literal(value === undefined ? null : value.toLowerCase());
      if (modifier) break;
      return literal(value ?? null);
    }
    case 'body': {
      const field = root?.collection.field(rest[0] ?? '')?.model;
      if (field?.type === 'relation' && rest.length > 1 && modifier !== 'isset')
        return bodyRelation(field, rest, modifier, pos, scope, ctx);
      return requestValue(name, rest, modifier, pos, scope, ctx);
    }
    case 'auth':
      return authValue(name, rest, modifier, pos, scope, ctx);
  }
  throw new FilterError(`unknown request identifier "${name}" at position ${pos}`, pos);
}

function requestValue(name: string, path: string[], modifier: string, pos: number, scope: JoinScope, ctx: CompileContext): Operand {
  if (path.length === 0) throw new FilterError(`"${name}" needs a key (position ${pos})`, pos);
  const { found, value } = requestInput(ctx, 'body', path);
  switch (modifier) {
    case '':
      return toLiteral(value);
    case 'isset':
      return literal(found);
    case 'lower':
      return literal(typeof value === 'string' ? value.toLowerCase() : value === undefined || value === null ? null : String(value).toLowerCase());
    case 'length':
      return literal(Array.isArray(value) ? value.length : value === undefined || value === null || value === '' ? 0 : 1);
    case 'each': {
      const list = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value];
      return eachOfJson(name, list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))), scope, ctx);
    }
    case 'changed':
      throw new FilterError(`":changed" is only for @request.body fields of the collection ("${name}", position ${pos})`, pos);
  }
  throw new FilterError(`unknown modifier ":${modifier}" in "${name}" at position ${pos}`, pos);
}

/**
 * A list from the request as a multi-valued operand (one joined row per item). Keyed by
 * its name, so that `@request.body.tags:each` is one joined row in the whole expression,
 * like any other path (PocketBase names the join after the field).
 */
function eachOfJson(name: string, list: Scalar[], scope: JoinScope, ctx: CompileContext): Operand {
  const alias = scope.join(name, 'p', (a) => {
    const param = ctx.params.add(JSON.stringify(list), ctx.dialect === 'sqlite' ? 'text' : 'json');
    return [
      ctx.dialect === 'sqlite'
        ? `LEFT JOIN json_each(${param}) AS ${q(a)} ON TRUE`
        : `LEFT JOIN LATERAL jsonb_array_elements_text(${param}) AS ${q(a)}("value") ON TRUE`,
    ];
  });
  return { kind: 'sql', sql: `${q(alias)}."value"`, type: 'text', multi: true };
}

/** `@request.body.rel.field`: the records the submitted relation ids point at, joined (3.3). */
function bodyRelation(field: FieldModel, path: string[], modifier: string, pos: number, scope: JoinScope, ctx: CompileContext): Operand {
  const target = ctx.registry.find(field.collectionId as string);
  if (!target) throw new FilterError(`the collection of relation "${field.name}" no longer exists`, pos);
  const many = isMultiple(field);
  const raw = requestInput(ctx, 'body', [field.name]).value;
  const ids = (Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw]).map(String);
  const alias = scope.join(`@request.body.${field.name}`, 'q', (a) => {
    // A single relation keeps the last submitted id, as the field itself does.
    if (!many) return [`LEFT JOIN ${q(target.name)} AS ${q(a)} ON ${q(a)}."id" = ${ctx.params.add(ids.at(-1) ?? '')}`];
    const list = ctx.params.add(JSON.stringify(ids), ctx.dialect === 'sqlite' ? 'text' : 'json');
    const each = `${a}_each`;
    return [
      ctx.dialect === 'sqlite'
        ? `LEFT JOIN json_each(${list}) AS ${q(each)} ON TRUE`
        : `LEFT JOIN LATERAL jsonb_array_elements_text(${list}) AS ${q(each)}("value") ON TRUE`,
      `LEFT JOIN ${q(target.name)} AS ${q(a)} ON ${q(a)}."id" = ${q(each)}."value"`,
    ];
  });
  const rest = path.slice(1).join('.') + (modifier ? `:${modifier}` : '');
  const operand = resolveFieldPath(rest, pos, { collection: target, alias }, scope, { ...ctx, client: false });
  return many ? { ...operand, multi: true } : operand;
}

function authValue(name: string, path: string[], modifier: string, pos: number, scope: JoinScope, ctx: CompileContext): Operand {
  if (path.length === 0) throw new FilterError(`"${name}" needs a field (position ${pos})`, pos);
  if (modifier === 'isset') return literal(requestInput(ctx, 'auth', path).found);
  // Every auth record has an id: a guest is a request without one.
  const id = requestInput(ctx, 'auth', ['id']);
  const collectionId = requestInput(ctx, 'authCollection', ['id']);
  if (!id.found || !collectionId.found) {
    if (modifier === 'length') return literal(0);
    return literal(null);
  }
  const first = path[0]!;
  if (path.length === 1 && AUTH_DIRECT.has(first)) {
    const value = String(first === 'id' ? id.value : first === 'collectionId' ? collectionId.value : requestInput(ctx, 'authCollection', ['name']).value);
    return literal(modifier === 'lower' ? value.toLowerCase() : value);
  }
  const authCollection = ctx.registry.find(String(collectionId.value));
  if (!authCollection) return literal(null);
  // Any other field (and relation paths) read the auth record's row, joined by id.
  const alias = scope.join('@request.auth', 'a', (a) => [
    `LEFT JOIN ${q(authCollection.name)} AS ${q(a)} ON ${q(a)}."id" = ${ctx.params.add(id.value)}`,
  ]);
  const rule = { ...ctx, client: false };
  return resolveFieldPath(path.join('.') + (modifier ? `:${modifier}` : ''), pos, { collection: authCollection, alias }, scope, rule);
}
