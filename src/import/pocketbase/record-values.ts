/**
 * Record values between PocketBase's SQLite storage and Galley's. PocketBase stores
 * values as Galley does on SQLite (JSON arrays in text, NUMERIC, BOOLEAN 0/1, datetime
 * text), so a source value is read with the field type's own fromDb and written with its
 * toDb for the target engine. The same reading normalises rows for the verification
 * hash, on either side.
 */
import type { Collection } from '../../core/collections/collection.js';
import type { DialectName } from '../../store/dialect.js';

/** The row as API values, in the collection's field order (missing columns as the field's empty value). */
export function normalisedRow(collection: Collection, row: Record<string, unknown>): unknown[] {
  return collection.fields.map((f) => (f.model.name in row && row[f.model.name] !== undefined ? f.type.fromDb(row[f.model.name], f.model) : f.type.empty(f.model)));
}

/** The row's values as bind parameters for the target engine, in field order. */
export function targetParams(collection: Collection, row: Record<string, unknown>, dialect: DialectName): unknown[] {
  const values = normalisedRow(collection, row);
  return collection.fields.map((f, i) => f.type.toDb(values[i], f.model, dialect));
}
