/**
 * Row → record JSON (API spec 2.8), with a serializer compiled once per collection:
 * `collectionId`, `collectionName`, then every visible field in definition order.
 */
import type { Collection } from '../collections/collection.js';
import type { Row } from '../../store/store.js';
import type { RequestAuth } from '../auth/request-auth.js';

export type RecordJson = Record<string, unknown>;

interface Column {
  name: string;
  hidden: boolean;
  fromDb: (raw: unknown) => unknown;
}

const NEVER_OUTPUT = new Set(['password', 'tokenKey']);
const compiled = new WeakMap<Collection, Column[]>();

function columnsOf(collection: Collection): Column[] {
  let cols = compiled.get(collection);
  if (!cols) {
    cols = collection.fields
      .filter((f) => f.model.type !== 'password' && !(collection.isAuth && NEVER_OUTPUT.has(f.model.name)))
      .map((f) => ({ name: f.model.name, hidden: f.model.hidden, fromDb: (raw: unknown) => f.type.fromDb(raw, f.model) }));
    compiled.set(collection, cols);
  }
  return cols;
}

/** Every field's value in API form, hidden ones included (for rules, hooks and internal use). */
export function rowToValues(collection: Collection, row: Row): RecordJson {
  const out: RecordJson = {};
  for (const f of collection.fields) out[f.model.name] = f.type.fromDb(row[f.model.name], f.model);
  return out;
}

/** The record as a given caller may see it. */
export function serializeRecord(collection: Collection, row: Row, auth: RequestAuth): RecordJson {
  const out: RecordJson = { collectionId: collection.id, collectionName: collection.name };
  const all = auth.isSuperuser;
  for (const col of columnsOf(collection)) {
    if (col.hidden && !all) continue;
    out[col.name] = col.fromDb(row[col.name]);
  }
  if (collection.isAuth && !all && !out.emailVisibility && !isOwner(collection, row, auth)) delete out.email;
  return out;
}

function isOwner(collection: Collection, row: Row, auth: RequestAuth): boolean {
  return auth.collection?.id === collection.id && auth.record?.id === row.id;
}
