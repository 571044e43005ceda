/**
 * Reading records: one by id, and pages of a list. SQL text is built once per
 * collection and query shape (see Collection.sql) and parameterised.
 */
import type { Collection } from '../collections/collection.js';
import type { Executor, Row } from '../../store/store.js';
import type { RequestAuth } from '../auth/request-auth.js';
import { quoteIdent } from '../../store/dialect.js';
import { notFound, forbidden, badRequest } from '../errors.js';
import { ruleAccess, type Access } from '../rules/rule-access.js';
import { orderBySql } from './sort.js';

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
 * The columns to SELECT. PostgreSQL hands jsonb back already parsed, so a stored JSON
 * string such as "123" would be parsed a second time by the json field; read json
 * columns as text there, as SQLite returns them.
 */
export function selectList(collection: Collection): string {
  return collection.sql('selectColumns', () => collection.fields.map((f) => {
    const col = quoteIdent(f.model.name);
    return collection.dialect === 'postgres' && f.model.type === 'json' ? `${col}::text AS ${col}` : col;
  }).join(', '));
}

/** No record id holds a NUL character, and PostgreSQL refuses one in a parameter (a 500 otherwise). */
const impossibleId = (id: string) => id.includes('\0');

/** A record by id with no rule applied (internal use: auth, relations, writes). */
export async function findRecordById(db: Executor, collection: Collection, id: string): Promise<Row | undefined> {
  if (impossibleId(id)) return undefined;
  const sql = collection.sql('byId', () =>
    `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE "id" = ${collection.dialect === 'sqlite' ? '?' : '$1'} LIMIT 1`);
  return db.get(sql, [id]);
}

/** A record by id that the rule lets the caller act on; 404 otherwise. */
export async function getAccessibleRecord(db: Executor, collection: Collection, id: string, access: Access, forUpdate = false): Promise<Row> {
  if (impossibleId(id)) throw notFound();
  if (access.kind === 'all' && !forUpdate) {
    const row = await findRecordById(db, collection, id);
    if (!row) throw notFound();
    return row;
  }
  const p = collection.dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
  const where = access.kind === 'where' ? ` AND (${access.sql})` : '';
  // Row lock on PostgreSQL; SQLite transactions are already serialised.
  const lock = forUpdate && collection.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const sql = collection.sql(`byIdWhere:${where}:${lock}`, () =>
    `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)} WHERE "id" = ${p(1)}${where} LIMIT 1${lock}`);
  const row = await db.get(sql, [id, ...(access.kind === 'where' ? access.params : [])]);
  if (!row) throw notFound();
  return row;
}

export async function viewRecord(db: Executor, collection: Collection, id: string, auth: RequestAuth): Promise<Row> {
  return getAccessibleRecord(db, collection, id, ruleAccess(collection, 'viewRule', auth));
}

export async function listRecords(db: Executor, collection: Collection, query: ListQuery, auth: RequestAuth): Promise<ListPage> {
  const access = ruleAccess(collection, 'listRule', auth);
  if (!auth.isSuperuser) {
    for (const marker of ['@collection.', '@request.'])
      if (query.filter.includes(marker) || query.sort.includes(marker)) throw forbidden(`Only superusers can filter by ${marker}`);
  }
  if (query.filter.trim() !== '') throw badRequest('Invalid filter: filtering is not supported yet.');

  const orderBy = orderBySql(collection, query.sort, auth);
  const where = access.kind === 'where' ? ` WHERE ${access.sql}` : '';
  const params = access.kind === 'where' ? access.params : [];
  const p = collection.dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
  const n = params.length;
  const listSql = collection.sql(`list:${where}:${orderBy}`, () =>
    `SELECT ${selectList(collection)} FROM ${quoteIdent(collection.name)}${where} ORDER BY ${orderBy} LIMIT ${p(n + 1)} OFFSET ${p(n + 2)}`);
  const offset = (query.page - 1) * query.perPage;
  // A page beyond 2^53 items cannot hold rows, and its offset is no valid SQL integer.
  const rows = Number.isSafeInteger(offset) ? await db.all(listSql, [...params, query.perPage, offset]) : [];

  let totalItems = -1;
  let totalPages = -1;
  if (!query.skipTotal) {
    const countSql = collection.sql(`count:${where}`, () => `SELECT COUNT(*) AS "n" FROM ${quoteIdent(collection.name)}${where}`);
    totalItems = Number((await db.get(countSql, params))?.n ?? 0);
    totalPages = Math.ceil(totalItems / query.perPage);
  }
  return { rows, page: query.page, perPage: query.perPage, totalItems, totalPages };
}
