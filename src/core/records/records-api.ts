/**
 * Records for server-side code (hooks, routes, jobs): find, list, create, update and
 * delete through the same validation, hooks and realtime events as the API, as a
 * trusted caller (API rules do not apply). Records are plain objects of field values,
 * hidden fields included.
 */
import type { Collection } from '../collections/collection.js';
import type { RecordDeps } from './deps.js';
import { ApiError } from '../errors.js';
import { findRecordById, listRecords } from './record-reader.js';
import { createRecord, updateRecord } from './record-writer.js';
import { deleteRecord } from './record-deleter.js';
import { rowToValues } from './serialize.js';
import { systemAccess } from '../rules/rule-access.js';
import { SUPERUSER_SYSTEM } from '../auth/request-auth.js';

export type RecordValues = Record<string, unknown>;

export interface ListOptions {
  /** A filter in the PocketBase filter language; `{:name}` placeholders take `params` values. */
  filter?: string;
  params?: Record<string, unknown>;
  sort?: string;
  page?: number;
  perPage?: number;
}

export class RecordsApi {
  constructor(private readonly deps: RecordDeps) {}

  private collection(nameOrId: string): Collection {
    const c = this.deps.collections.find(nameOrId);
    if (!c) throw new ApiError(404, `Missing collection "${nameOrId}".`);
    return c;
  }

  private get ctx() {
    return systemAccess(this.deps.collections.registry, SUPERUSER_SYSTEM);
  }

  /** The record with this id, or null. */
  async find(collection: string, id: string): Promise<RecordValues | null> {
    const c = this.collection(collection);
    const row = await findRecordById(this.deps.store, c, id);
    return row ? rowToValues(c, row) : null;
  }

  async list(collection: string, options: ListOptions = {}): Promise<{ items: RecordValues[]; totalItems: number }> {
    const c = this.collection(collection);
    const page = await listRecords(this.deps.store, c, {
      filter: bindParams(options.filter ?? '', options.params ?? {}), sort: options.sort ?? '', page: options.page ?? 1, perPage: Math.min(options.perPage ?? 30, 1000), skipTotal: false,
    }, this.ctx);
    return { items: page.rows.map((row) => rowToValues(c, row)), totalItems: page.totalItems };
  }

  /** The first record matching the filter, or null. */
  async first(collection: string, filter: string, params: Record<string, unknown> = {}): Promise<RecordValues | null> {
    const { items } = await this.list(collection, { filter, params, perPage: 1 });
    return items[0] ?? null;
  }

  async create(collection: string, data: RecordValues): Promise<RecordValues> {
    const c = this.collection(collection);
    return rowToValues(c, await createRecord(this.deps, c, data, this.ctx));
  }

  async update(collection: string, id: string, data: RecordValues): Promise<RecordValues> {
    const c = this.collection(collection);
    return rowToValues(c, await updateRecord(this.deps, c, id, data, this.ctx));
  }

  async delete(collection: string, id: string): Promise<void> {
    await deleteRecord(this.deps, this.collection(collection), id, this.ctx);
  }
}


/**
 * `{:name}` → the value as a filter literal (as the SDK's pb.filter() does): strings
 * quoted with their quotes and backslashes escaped, so a value can never change the
 * expression around it. The compiled SQL binds every literal as a parameter anyway.
 */
export function bindParams(filter: string, params: Record<string, unknown>): string {
  return filter.replace(/\{:(\w+)\}/g, (match, name: string) => {
    if (!(name in params)) return match;
    const v = params[name];
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v instanceof Date) return `"${v.toISOString().replace('T', ' ')}"`;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
}
