/**
 * Rule checks against a record given by value rather than by id: the row is bound as
 * a one-row derived table aliased "_m", so any rule (relation paths, back-relations,
 * @collection) works exactly as in a list query. Used for create rules (the record
 * does not exist yet) and realtime events (a deleted record no longer exists, and the
 * write may have happened on another instance).
 */
import type { Executor, Row } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { SqlParams } from '../filter/sql-params.js';
import { fieldSqlType } from '../filter/resolve-field-path.js';
import { accessCondition, type Access, type AccessContext } from './rule-access.js';

export async function rowSatisfies(db: Executor, collection: Collection, row: Row, access: Access, ctx: AccessContext, filter = ''): Promise<boolean> {
  const params = new SqlParams(collection.dialect);
  const columns = collection.fields.map((f) => `${params.add(row[f.model.name], fieldSqlType(f.model))} AS ${quoteIdent(f.model.name)}`);
  const condition = accessCondition(collection, access, ctx, params, filter);
  if (condition === undefined) return true;
  const found = await db.get(`SELECT 1 AS "ok" FROM (SELECT ${columns.join(', ')}) AS "_m" WHERE ${condition}`, params.values);
  return found !== undefined;
}
