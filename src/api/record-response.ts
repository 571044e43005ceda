/**
 * Records as a caller may see them in a response: serialised for the caller's auth,
 * emails revealed to managers (manageRule), and `expand` applied. Shared by the
 * records routes and batch sub-requests (which read inside their transaction).
 */
import type { Executor, Row } from '../store/store.js';
import type { Collection } from '../core/collections/collection.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import { serializeRecord, type RecordJson } from '../core/records/serialize.js';
import { expandRecords } from '../core/records/expand.js';
import { hasManageRule, managedIds } from '../core/rules/manage-rule.js';

export async function recordsJson(db: Executor, collection: Collection, rows: Row[], ctx: AccessContext, expand: unknown): Promise<RecordJson[]> {
  const items = rows.map((row) => serializeRecord(collection, row, ctx.auth));
  await revealManagedEmails(db, collection, rows, items, ctx);
  if (typeof expand === 'string' && expand !== '') await expandRecords(db, collection, rows, items, expand, ctx);
  return items;
}

export function recordJson(db: Executor, collection: Collection, row: Row, ctx: AccessContext, expand: unknown): RecordJson | Promise<RecordJson> {
  const json = serializeRecord(collection, row, ctx.auth);
  // No promise hop when nothing is to be expanded or revealed (the common, hot case).
  const reveal = hasManageRule(collection) && !('email' in json);
  if (!reveal && !expand) return json;
  return revealManagedEmails(db, collection, [row], [json], ctx)
    .then(() => (typeof expand === 'string' && expand !== '' ? expandRecords(db, collection, [row], [json], expand, ctx) : undefined))
    .then(() => json);
}

/** Managers (manageRule) see the emails of the auth records they manage. */
async function revealManagedEmails(db: Executor, collection: Collection, rows: Row[], items: RecordJson[], ctx: AccessContext): Promise<void> {
  if (!hasManageRule(collection) || ctx.auth.isSuperuser) return;
  const hidden = rows.filter((_, i) => !('email' in items[i]!));
  if (hidden.length === 0) return;
  const managed = await managedIds(db, collection, hidden.map((r) => String(r.id)), ctx);
  rows.forEach((row, i) => {
    if (managed.has(String(row.id))) items[i]!.email = row.email;
  });
}
