/**
 * Files of view collections (API spec 7.2): a view's file field is a column of some
 * collection's file field, and its files are stored under that collection's record.
 * The view query's column origins say which field; the record is the one of that
 * collection whose field holds the file name (recursively, for a view of a view).
 */
import type { Collection } from '../core/collections/collection.js';
import type { CollectionRegistry } from '../core/collections/registry.js';
import type { Store } from '../store/store.js';
import { quoteIdent } from '../store/dialect.js';
import { isMultiple } from '../core/fields/multi-value.js';
import type { FieldModel } from '../core/fields/field.js';

export interface FileSource {
  collection: Collection;
  recordId: string;
  field: FieldModel;
}

/** Origins per view column, per Collection object (replaced whenever a definition changes). */
const origins = new WeakMap<Collection, Promise<Map<string, { table: string; column: string }>>>();

function originsOf(store: Store, view: Collection): Promise<Map<string, { table: string; column: string }>> {
  let found = origins.get(view);
  if (!found) {
    found = store.columns(String(view.model.viewQuery ?? '')).then((cols) => {
      const map = new Map<string, { table: string; column: string }>();
      for (const c of cols) if (c.table && c.column) map.set(c.name, { table: c.table, column: c.column });
      return map;
    });
    origins.set(view, found);
  }
  return found;
}

/** Where a view's file is stored, or undefined when no source record holds it. */
export async function viewFileSource(store: Store, registry: CollectionRegistry, view: Collection, fieldName: string, filename: string, depth = 0): Promise<FileSource | undefined> {
  if (depth > 5) return undefined;
  const origin = (await originsOf(store, view).catch(() => new Map())).get(fieldName);
  const source = origin ? registry.find(origin.table) : undefined;
  const field = source?.field(origin!.column)?.model;
  if (!source || !field || field.type !== 'file') return undefined;
  if (source.isView) return viewFileSource(store, registry, source, field.name, filename, depth + 1);
  const col = quoteIdent(field.name);
  const table = quoteIdent(source.name);
  const sql = !isMultiple(field)
    ? `SELECT "id" FROM ${table} WHERE ${col} = ${source.dialect === 'sqlite' ? '?' : '$1'} LIMIT 1`
    : source.dialect === 'sqlite'
      ? `SELECT "id" FROM ${table} WHERE EXISTS (SELECT 1 FROM json_each(${col}) WHERE json_each.value = ?) LIMIT 1`
      : `SELECT "id" FROM ${table} WHERE ${col} @> jsonb_build_array($1::text) LIMIT 1`;
  const row = await store.get(sql, [filename]);
  return row ? { collection: source, recordId: String(row.id), field } : undefined;
}
