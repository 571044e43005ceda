/**
 * Relation expansion (API spec 2.6): `?expand=author,tags.owner,comments_via_post`.
 * One query per relation path and nesting level for the whole page of records, not
 * one per record; each related record must pass its collection's view rule (with
 * `@request.context = "expand"`) and is silently left out when it does not.
 */
import type { Executor, Row } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { parseIndex } from '../collections/indexes.js';
import { asList, isMultiple } from '../fields/multi-value.js';
import type { FieldModel } from '../fields/field.js';
import { SqlParams } from '../filter/sql-params.js';
import { accessCondition, ruleAccess, type Access, type AccessContext } from '../rules/rule-access.js';
import { withRequest } from '../filter/request-data.js';
import { ApiError } from '../errors.js';
import { selectList } from './record-reader.js';
import { serializeRecord, type RecordJson } from './serialize.js';
import { relationField } from '../fields/relation.js';

const MAX_DEPTH = 6;
const BACK_RELATION_LIMIT = 1000;
const ID_CHUNK = 500;

type ExpandTree = Map<string, ExpandTree>;

const parsedTrees = new Map<string, ExpandTree>();

/** parseExpand, remembered: clients send the same few expand parameters again and again. */
function expandTree(param: string): ExpandTree {
  let tree = parsedTrees.get(param);
  if (!tree) {
    if (parsedTrees.size >= 1000) parsedTrees.clear();
    tree = parseExpand(param);
    parsedTrees.set(param, tree);
  }
  return tree;
}

/** "a.b,c" → {a: {b: {}}, c: {}}, at most six levels deep. */
export function parseExpand(param: string): ExpandTree {
  const root: ExpandTree = new Map();
  for (const path of param.split(',').map((p) => p.trim()).filter(Boolean)) {
    let node = root;
    for (const seg of path.split('.').slice(0, MAX_DEPTH)) {
      if (!seg) break;
      let child = node.get(seg);
      if (!child) { child = new Map(); node.set(seg, child); }
      node = child;
    }
  }
  return root;
}

/** A record being expanded: its stored row (values are read from it only as needed) and its output. */
interface Item {
  row: Row;
  json: RecordJson;
}

const idOf = (item: Item) => String(item.row.id);
const relatedIds = (item: Item, field: FieldModel) => asList(relationField.fromDb(item.row[field.name], field));

/** Adds `expand` to each serialized record (rows and outputs in the same order). */
export async function expandRecords(db: Executor, collection: Collection, rows: Row[], outputs: RecordJson[], param: string, ctx: AccessContext): Promise<void> {
  const tree = expandTree(param);
  const items = rows.map((row, i) => ({ row, json: outputs[i]! }));
  for (const item of items) item.json.expand = {};
  if (tree.size === 0 || items.length === 0) return;
  const expandCtx = withExpandContext(ctx);
  await expandLevel(db, collection, items, tree, expandCtx);
}

function withExpandContext(ctx: AccessContext): AccessContext {
  return new ExpandContext(ctx);
}

/** The caller's context with `@request.context = "expand"`, built only if a rule reads it. */
class ExpandContext implements AccessContext {
  readonly auth: AccessContext['auth'];
  readonly registry: AccessContext['registry'];
  private data: AccessContext['request'] | undefined;
  constructor(private readonly base: AccessContext) {
    this.auth = base.auth;
    this.registry = base.registry;
  }
  get request() {
    return (this.data ??= withRequest(this.base.request, { context: 'expand' }));
  }
}

async function expandLevel(db: Executor, collection: Collection, items: Item[], tree: ExpandTree, ctx: AccessContext): Promise<void> {
  for (const [name, subtree] of tree) {
    try {
      const field = collection.field(name)?.model;
      if (field?.type === 'relation') await expandRelation(db, field, items, subtree, ctx);
      else await expandBackRelation(db, collection, name, items, subtree, ctx);
    } catch (err) {
      // Expansion never fails the request (PocketBase only logs); a rule error does not leak either.
      if (!(err instanceof ApiError)) throw err;
    }
  }
}

/** The view rule of a related collection, or undefined when the caller may not view it at all. */
function viewAccess(target: Collection, ctx: AccessContext): Access | undefined {
  try {
    return ruleAccess(target, 'viewRule', ctx.auth);
  } catch {
    return undefined; // null rule: superusers only
  }
}

async function expandRelation(db: Executor, field: FieldModel, items: Item[], subtree: ExpandTree, ctx: AccessContext): Promise<void> {
  const target = ctx.registry.find(field.collectionId as string);
  if (!target) return;
  const access = viewAccess(target, ctx);
  if (!access) return;
  // Loops rather than flatMap/filter chains: this runs for every item of every page.
  const perItem = items.map((item) => relatedIds(item, field));
  const unique = new Set<string>();
  for (const list of perItem) for (const id of list) unique.add(id);
  const found = await fetchRows(db, target, access, ctx, byIds(target), [...unique]);
  const byId = new Map<string, Item>();
  for (const item of found) byId.set(idOf(item), item);
  const many = isMultiple(field);
  items.forEach((item, i) => {
    const expand = item.json.expand as RecordJson;
    if (!many) {
      const related = byId.get(perItem[i]![0] ?? '');
      if (related) expand[field.name] = related.json;
      return;
    }
    const related: RecordJson[] = [];
    for (const id of perItem[i]!) {
      const r = byId.get(id);
      if (r) related.push(r.json);
    }
    expand[field.name] = related;
  });
  if (subtree.size && found.length) await expandChildren(db, target, found, subtree, ctx);
}

async function expandBackRelation(db: Executor, collection: Collection, name: string, items: Item[], subtree: ExpandTree, ctx: AccessContext): Promise<void> {
  const m = /^(\w+)_via_(\w+)$/.exec(name);
  if (!m) return;
  const source = ctx.registry.find(m[1]!);
  const field = source?.field(m[2]!)?.model;
  if (!source || !field || field.type !== 'relation' || field.collectionId !== collection.id) return;
  const access = viewAccess(source, ctx);
  if (!access) return;
  const ids = items.map(idOf);
  const col = `"_m".${quoteIdent(field.name)}`;
  const from = `FROM ${quoteIdent(source.name)} AS "_m"`;
  const key = `via:${field.name}`;
  const found = await fetchRows(db, source, access, ctx, (params, chunk) => {
    const list = idList(params, chunk, source.dialect);
    if (!isMultiple(field)) return { key, from, where: `${col} IN (${list})` };
    return {
      key,
      from,
      where: source.dialect === 'sqlite'
        ? `EXISTS (SELECT 1 FROM json_each(${col}) WHERE json_each.value IN (${list}))`
        : `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${col}) AS "_v"("value") WHERE "_v"."value" IN (${list}))`,
    };
  }, ids);
  const single = !isMultiple(field) && hasUniqueIndex(source, field.name);
  for (const item of items) {
    const id = idOf(item);
    const related = found.filter((r) => relatedIds(r, field).includes(id)).slice(0, BACK_RELATION_LIMIT);
    const expand = item.json.expand as RecordJson;
    if (single) { if (related[0]) expand[name] = related[0].json; }
    else expand[name] = related.map((r) => r.json);
  }
  if (subtree.size && found.length) await expandChildren(db, source, found, subtree, ctx);
}

async function expandChildren(db: Executor, collection: Collection, items: Item[], subtree: ExpandTree, ctx: AccessContext): Promise<void> {
  for (const item of items) item.json.expand ??= {};
  await expandLevel(db, collection, items, subtree, ctx);
}

/**
 * Which rows of a collection a chunk of ids selects: a FROM clause over alias "_m" and
 * a condition if any, under a key naming that shape (the same key, the same SQL text
 * for the same parameters).
 */
type RowSource = (params: SqlParams, ids: string[]) => { key: string; from: string; where?: string };

/** Rows of a collection selected by source and passing the caller's view rule, serialized for the caller. */
async function fetchRows(db: Executor, collection: Collection, access: Access, ctx: AccessContext, source: RowSource, ids: string[]): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const params = new SqlParams(collection.dialect);
    const { key, from, where } = source(params, ids.length <= ID_CHUNK ? ids : ids.slice(i, i + ID_CHUNK));
    const rule = accessCondition(collection, access, ctx, params);
    const select = () => `SELECT ${selectList(collection, '_m')} ${from}${where ? ` WHERE ${where}` : ''}`;
    // Without a rule the text depends on the source's shape only: built once.
    const sql = rule === undefined ? collection.sql(`expand:${key}`, select) : `${select()}${where ? ' AND ' : ' WHERE '}${rule}`;
    const rows = await db.all(sql, params.values);
    for (const row of rows) out.push({ row, json: serializeRecord(collection, row, ctx.auth) });
  }
  return out;
}

/**
 * The records with the given ids: the list is one JSON parameter (one SQL text and one
 * prepared statement whatever the number of ids) that the engine expands into rows,
 * joined to the table by id — cheaper than `id IN (subquery)`, which first builds a
 * temporary index of the list. The ids are distinct, so the join adds no duplicates.
 */
function byIds(collection: Collection): RowSource {
  return (params, ids) => {
    const list = params.add(JSON.stringify(ids), collection.dialect === 'sqlite' ? 'text' : 'json');
    const expanded = collection.dialect === 'sqlite' ? `json_each(${list}) AS "_ids"` : `jsonb_array_elements_text(${list}) AS "_ids"("value")`;
    return { key: 'byIds', from: `FROM ${expanded} JOIN ${quoteIdent(collection.name)} AS "_m" ON "_m"."id" = "_ids"."value"` };
  };
}

/** `SELECT "value" …` of a JSON list parameter, for `x IN (…)`. */
function idList(params: SqlParams, ids: string[], dialect: Collection['dialect']): string {
  const json = params.add(JSON.stringify(ids), dialect === 'sqlite' ? 'text' : 'json');
  return dialect === 'sqlite' ? `SELECT "value" FROM json_each(${json})` : `SELECT jsonb_array_elements_text(${json})`;
}

function hasUniqueIndex(collection: Collection, column: string): boolean {
  return collection.model.indexes.some((s) => {
    const i = parseIndex(s);
    return i.unique && i.columns.length === 1 && i.columns[0]!.name === column && i.where.length === 0;
  });
}
