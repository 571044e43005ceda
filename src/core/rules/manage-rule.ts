/**
 * An auth collection's manageRule (API spec 3.10, 2.4, 2.5): a caller it matches for a
 * record may change that record's email and verified state, set its password without
 * the old one, and sees its email. Superusers manage everything; null or "" manage nothing.
 */
import type { Executor } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { SqlParams } from '../filter/sql-params.js';
import { accessCondition, type AccessContext } from './rule-access.js';

const hasManageRule = (collection: Collection) => collection.isAuth && !!collection.model.manageRule?.trim();

/** The ids among `ids` that the caller manages (one query for all of them). */
export async function managedIds(db: Executor, collection: Collection, ids: string[], ctx: AccessContext): Promise<Set<string>> {
  if (ctx.auth.isSuperuser) return new Set(ids);
  if (!hasManageRule(collection) || ids.length === 0) return new Set();
  const params = new SqlParams(collection.dialect);
  const list = ids.map((id) => params.add(id)).join(', ');
  const condition = accessCondition(collection, { kind: 'rule', rule: collection.model.manageRule! }, ctx, params);
  const rows = await db.all(`SELECT "_m"."id" AS "id" FROM ${quoteIdent(collection.name)} AS "_m" WHERE "_m"."id" IN (${list})${condition ? ` AND ${condition}` : ''}`, params.values);
  return new Set(rows.map((r) => String(r.id)));
}

export async function managesRecord(db: Executor, collection: Collection, id: string, ctx: AccessContext): Promise<boolean> {
  return (await managedIds(db, collection, [id], ctx)).has(id);
}

export { hasManageRule };
