/** A unique-index violation from the engine, as field errors on the fields involved. */
import type { UniqueViolation } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import { parseIndex } from '../collections/indexes.js';
import { fieldError, type ErrorData } from '../errors.js';

export function uniqueViolationErrors(collection: Collection, err: UniqueViolation): ErrorData {
  let columns = err.columns.filter((c) => collection.field(c));
  if (err.indexName) {
    const index = collection.model.indexes.map((s) => parseIndex(s)).find((i) => i.name === err.indexName);
    if (index) columns = index.columns.map((c) => c.name);
    else if (/_pkey$/.test(err.indexName)) columns = ['id'];
  }
  if (columns.length === 0) columns = ['id'];
  const errors: ErrorData = {};
  // The id too, as PocketBase reports a primary key violation (core/validators/db.go).
  for (const c of columns) errors[c] = fieldError('validation_not_unique', 'Value must be unique.');
  return errors;
}
