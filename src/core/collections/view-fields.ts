/**
 * The fields of a view collection, derived from its query's result columns: a column
 * that is a plain reference to a collection field keeps that field's type and options;
 * any other column gets a type from the engine (number, bool, json, else text on
 * PostgreSQL; json on SQLite, whose expressions carry no type).
 */
import type { ColumnInfo } from '../../store/store.js';
import type { FieldModel } from '../fields/field.js';
import { completeField, idField } from './defaults.js';
import { fieldIdFor } from './ids.js';
import type { CollectionRegistry } from './registry.js';

export function deriveViewFields(columns: ColumnInfo[], registry: CollectionRegistry): FieldModel[] {
  const fields: FieldModel[] = [];
  for (const col of columns) {
    if (!/^\w+$/.test(col.name) || fields.some((f) => f.name === col.name)) continue;
    if (col.name === 'id') {
      fields.push({ ...idField(), system: true, primaryKey: true, min: 0, max: 0, pattern: '', autogeneratePattern: '' });
      continue;
    }
    const origin = col.table && col.column ? registry.find(col.table)?.field(col.column)?.model : undefined;
    if (origin && origin.type !== 'password' && !(origin.type === 'text' && origin.primaryKey)) {
      fields.push({ ...structuredClone(origin), id: fieldIdFor(origin.type, col.name), name: col.name, system: false });
      continue;
    }
    const type = col.type === 'number' ? 'number' : col.type === 'bool' ? 'bool' : col.type === 'text' ? 'text' : 'json';
    fields.push(completeField({ name: col.name, type }));
  }
  return fields;
}
