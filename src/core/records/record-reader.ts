/**
 * Reading records: one by id, and pages of a list. SQL text is built once per
 * collection and query shape (see Collection.sql) and parameterised.
 */
import type { Collection } from '../collections/collection.js';
import type { Executor, Row } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import { notFound, forbidden } from '../errors.js';
import { accessCondition, ruleAccess, type Access, type AccessContext } from '../rules/rule-access.js';
import { SqlParams } from '../filter/sql-params.js';
import { orderBySql } from './sort.js';
import type { CountCache } from '../versions/count-cache.js';

export interface ListQuery {
  page: number;
  perPage: number;
  sort: string;
  filter: string;
  skipTotal: boolean;
}

export interface ListPage {
  rows: Row[];
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
}

export function columnList(collection: Collection): string {
  return collection.sql('columns', () => collection.fields.map((f) => quoteIdent(f.model.name)).join(', '));
}

/**
 * The columns to SELECT (qualified with alias when the query joins another table). PostgreSQL hands jsonb back already parsed, so a stored JSON
 * string such as "123" would be parsed a second time by the json field; read json
 * columns as text there, as SQLite returns them.
 */
export function selectList(collection: Collection, alias?: string): string {
  return collection.sql(`selectColumns:${alias ?? ''}`, () => collection.fields.map((f) => {
    const name = quoteIdent(f.model.name);
    const col = alias ? `${quoteIdent(alias)}.${name}` : name;
    return collection.dialect === 'postgres' && f.model.type === 'json' ? `${col}::text AS ${name}` : alias ? `${col} AS ${name}` : col;
  }).join(', '));
}

/** No record id holds a NUL character, and PostgreSQL refuses one in a parameter (a 500 otherwise). */
const impossibleId = (id: string) => id.includes('\0');

/** A record by id with no rule applied (internal use: auth, relations, writes). */
export function findRecordById(db: Executor, collection: Collection, id: string): Promise<Row | undefined> {
  if (impossibleId(id)) return Promise.resolve(undefined);
  const sql = collection.sql('byId', () =>
    `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE "id" = ${collection.dialect === 'sqlite' ? '?' : '$1'} LIMIT 1`);
  return db.get(sql, [id]);
}

/** A record by id that the rule lets the caller act on; 404 otherwise. */
export async function getAccessibleRecord(db: Executor, collection: Collection, id: string, access: Access, ctx: AccessContext, forUpdate = false): Promise<Row> {
  if (impossibleId(id)) throw notFound();
  if (access.kind === 'all' && !forUpdate) {
    const row = await findRecordById(db, collection, id);
    if (!row) throw notFound();
    return row;
  }
  const params = new SqlParams(collection.dialect);
  const idParam = params.add(id);
  const condition = accessCondition(collection, access, ctx, params);
  // Row lock on PostgreSQL; SQLite transactions are already serialised.
  const lock = forUpdate && collection.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const sql = `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} AS "_m" WHERE "_m"."id" = ${idParam}${condition ? ` AND ${condition}` : ''} LIMIT 1${lock}`;
  const row = await db.get(sql, params.values);
  if (!row) throw notFound();
  return row;
}

export function viewRecord(db: Executor, collection: Collection, id: string, ctx: AccessContext): Promise<Row> {
  return getAccessibleRecord(db, collection, id, ruleAccess(collection, 'viewRule', ctx.auth), ctx);
}

/**
 * A page's LIMIT parameter. SQLite plans with the value bound to a bare `LIMIT ?` and
 * so re-prepares the statement every time it is bound again (about 5 µs of a page's
 * 30); as `+?` it is an expression, bound and run like any other parameter.
 */
const limit = (collection: Collection, placeholder: string) => (collection.dialect === 'sqlite' ? `+${placeholder}` : placeholder);

/** counts: where totals are kept while nothing they counted changed (the request path passes the instance's). */
export async function listRecords(db: Executor, collection: Collection, query: ListQuery, ctx: AccessContext, counts?: CountCache): Promise<ListPage> {
  const access = ruleAccess(collection, 'listRule', ctx.auth);
  if (!ctx.auth.isSuperuser) {
    for (const marker of ['@collection.', '@request.'])
      if (query.filter.includes(marker) || query.sort.includes(marker)) throw forbidden(`Only superusers can filter by ${marker}`);
  }
  const offset = (query.page - 1) * query.perPage;
  // A page beyond 2^53 items cannot hold rows, and its offset is no valid SQL integer.
  const pageable = Number.isSafeInteger(offset);
  const table = `${quoteIdent(collection.name)} AS "_m"`;

  let rows: Row[];
  let countSql: string;
  let countParams: unknown[];
  if (access.kind === 'all' && query.filter.trim() === '' && !/[.:]/.test(query.sort)) {
    // The common shapes: SQL text built once per collection and sort.
    const orderBy = orderBySql(collection, query.sort, ctx);
    const p = collection.dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
    const listSql = collection.sql(`list:${orderBy}`, () => `SELECT ${selectList(collection)} FROM ${table} ORDER BY ${orderBy} LIMIT ${limit(collection, p(1))} OFFSET ${p(2)}`);
    rows = pageable ? await db.all(listSql, [query.perPage, offset]) : [];
    countSql = collection.sql('count', () => `SELECT COUNT(*) AS "n" FROM ${table}`);
    countParams = [];
  } else {
    const params = new SqlParams(collection.dialect);
    const condition = accessCondition(collection, access, ctx, params, query.filter);
    const where = condition ? ` WHERE ${condition}` : '';
    countSql = `SELECT COUNT(*) AS "n" FROM ${table}${where}`;
    countParams = [...params.values];
    const orderBy = orderBySql(collection, query.sort, ctx, params, query.filter);
    const listSql = `SELECT ${selectList(collection)} FROM ${table}${where} ORDER BY ${orderBy} LIMIT ${limit(collection, params.add(query.perPage, 'bigint'))} OFFSET ${params.add(offset, 'bigint')}`;
    rows = pageable ? await db.all(listSql, params.values) : [];
  }

  let totalItems = -1;
  let totalPages = -1;
  if (!query.skipTotal) {
    const count = async () => Number((await db.get(countSql, countParams))?.n ?? 0);
    totalItems = counts ? await counts.total(collection, countSql, countParams, count) : await count();
    totalPages = Math.ceil(totalItems / query.perPage);
  }
  return { rows, page: query.page, perPage: query.perPage, totalItems, totalPages };
}
