/**
 * The reads of the logs API over either log store: list (filter, sort with `@rowid`
 * and `@random`, paging, skipTotal), one by id, and hourly stats. No second filter
 * compiler: `_logs` is described to the filter language as a collection with the
 * fields id, created, level, message and data (json, so `data.a.b` paths and `?~` on
 * the whole document work), and the record list reader runs the query, as a
 * superuser's list would.
 */
import { Collection } from '../core/collections/collection.js';
import { CollectionRegistry } from '../core/collections/registry.js';
import { completeField, newCollection } from '../core/collections/defaults.js';
import { listRecords, type ListQuery } from '../core/records/record-reader.js';
import { compileCondition } from '../core/filter/condition.js';
import { FilterError } from '../core/filter/filter-error.js';
import { SqlParams } from '../core/filter/sql-params.js';
import { EMPTY_REQUEST } from '../core/filter/request-data.js';
import { SUPERUSER_SYSTEM } from '../core/auth/request-auth.js';
import { ApiError, notFound } from '../core/errors.js';
import type { DialectName } from '../store/dialect.js';
import type { Row } from '../store/store.js';
import type { LogStore } from './log-store.js';

/** A log as the API returns it (PocketBase's core.Log field order). */
export interface LogItem {
  id: string;
  created: string;
  data: Record<string, unknown>;
  message: string;
  level: number;
}

export interface LogList {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: LogItem[];
}

const schemas = new Map<DialectName, { collection: Collection; registry: CollectionRegistry }>();

/** The pseudo-collection the filter and sort of the logs API are resolved against (one per engine). */
function logsSchema(dialect: DialectName): { collection: Collection; registry: CollectionRegistry } {
  let schema = schemas.get(dialect);
  if (!schema) {
    const model = newCollection('base', '_logs', '_logs');
    model.listRule = model.viewRule = null; // superusers only, as the API
    model.fields.push(
      completeField({ name: 'created', type: 'autodate' }),
      completeField({ name: 'level', type: 'number' }),
      completeField({ name: 'message', type: 'text' }),
      completeField({ name: 'data', type: 'json' }),
    );
    const registry = new CollectionRegistry(dialect);
    registry.replaceAll([model]);
    schema = { collection: registry.find('_logs')!, registry };
    schemas.set(dialect, schema);
  }
  return schema;
}

export async function listLogs(store: LogStore, query: ListQuery): Promise<LogList> {
  await store.caughtUp();
  const { collection, registry } = logsSchema(store.dialect);
  const page = await listRecords(store.db, collection, query, { auth: SUPERUSER_SYSTEM, registry, request: EMPTY_REQUEST });
  return { page: page.page, perPage: page.perPage, totalItems: page.totalItems, totalPages: page.totalPages, items: page.rows.map(toItem) };
}

export async function getLog(store: LogStore, id: string): Promise<LogItem> {
  const p = store.dialect === 'sqlite' ? '?' : '$1';
  const data = store.dialect === 'sqlite' ? '"data"' : '"data"::text AS "data"';
  await store.caughtUp();
  const row = id.includes('\0') ? undefined : await store.db.get(`SELECT "id", "created", "level", "message", ${data} FROM "_logs" WHERE "id" = ${p}`, [id]);
  if (!row) throw notFound();
  return toItem(row);
}

/** Logs per hour for a filter, oldest first: `[{date: "2024-05-01 10:00:00.000Z", total}]`. */
export async function logStats(store: LogStore, filter: string): Promise<{ date: string; total: number }[]> {
  const { collection, registry } = logsSchema(store.dialect);
  const params = new SqlParams(store.dialect);
  let where = '';
  if (filter.trim() !== '') {
    try {
      where = ` WHERE ${compileCondition(collection, [{ source: filter, client: true }], { registry, params, request: EMPTY_REQUEST, isSuperuser: true })}`;
    } catch (err) {
      if (err instanceof FilterError) throw new ApiError(400, 'Invalid filter format.', {});
      throw err;
    }
  }
  await store.caughtUp();
  // `created` is PocketBase's text form: its first 13 characters are the hour.
  const hour = `substr("_m"."created", 1, 13) || ':00:00.000Z'`;
  const rows = await store.db.all(`SELECT ${hour} AS "date", COUNT(*) AS "total" FROM "_logs" AS "_m"${where} GROUP BY 1 ORDER BY 1`, params.values);
  return rows.map((r) => ({ date: String(r.date), total: Number(r.total) }));
}

function toItem(row: Row): LogItem {
  return { id: String(row.id), created: String(row.created), data: parseData(row.data), message: String(row.message), level: Number(row.level) };
}

function parseData(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return (value as Record<string, unknown>) ?? {};
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    return {};
  }
}
