/**
 * Deleting records (API spec 2.7) with the references to them: each referencing
 * record loses the id; one left with no ids is deleted too when its field cascades,
 * and the whole delete is refused when its field is required. All in one transaction.
 */
import type { Executor, Row } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { badRequest } from '../errors.js';
import { ruleAccess, type AccessContext } from '../rules/rule-access.js';
import { isMultiple } from '../fields/multi-value.js';
import type { FieldModel } from '../fields/field.js';
import { findRecordById, getAccessibleRecord, selectList } from './record-reader.js';
import { closeScope, openScope, type WriteScope } from './write-scope.js';
import { rowToValues } from './serialize.js';
import { deleteLinksOf } from '../auth/oauth2/external-auths.js';
import { nowDateTime } from '../fields/datetime.js';
import { retryOnLockConflict } from './retry.js';
import type { RecordDeps } from './deps.js';

const REQUIRED_REFERENCE = 'Failed to delete record. Make sure that the record is not part of a required relation reference.';

export async function deleteRecord(deps: RecordDeps, collection: Collection, id: string, ctx: AccessContext): Promise<void> {
  const auth = ctx.auth;
  if (collection.isView) throw badRequest('Unsupported collection type.');
  const access = ruleAccess(collection, 'deleteRule', auth);
  const scope = await retryOnLockConflict(() => deps.store.transaction(async (tx) => {
    const scope = openScope(deps, tx);
    // Two superusers deleted at once must not both see "another one is left": on PostgreSQL
    // lock every superuser row first, in one order (SQLite transactions are already serialised).
    if (collection.isSuperusers && collection.dialect === 'postgres')
      await tx.all(`SELECT "id" FROM ${quoteIdent(collection.name)} ORDER BY "id" FOR UPDATE`);
    await getAccessibleRecord(tx, collection, id, access, ctx, true);
    if (collection.isSuperusers) {
      const count = await tx.get(`SELECT COUNT(*) AS "n" FROM ${quoteIdent(collection.name)}`);
      if (Number(count?.n) <= 1) throw badRequest("You can't delete the only existing superuser.");
    }
    await deleteWithReferences(scope, tx, collection, id, new Set());
    return scope;
  }));
  await closeScope(deps, scope);
}

/** Deletes every record of a collection, references handled as for single deletes. */
export async function truncateCollection(deps: RecordDeps, collection: Collection): Promise<void> {
  if (collection.isView) throw badRequest('Unsupported collection type.');
  const scope = await deps.store.transaction(async (tx) => {
    const scope = openScope(deps, tx);
    const referenced = deps.collections.registry.all().some((c) => c.fields.some((f) => f.model.type === 'relation' && f.model.collectionId === collection.id));
    if (!referenced && !deps.lifecycle?.has('delete', collection) && !collection.isAuth) {
      for (const row of await tx.all(`DELETE FROM ${quoteIdent(collection.name)} RETURNING ${selectList(collection)}`))
        recordDeleted(scope, collection, row);
      return scope;
    }
    const seen = new Set<string>();
    for (const row of await tx.all(`SELECT "id" FROM ${quoteIdent(collection.name)}`))
      await deleteWithReferences(scope, tx, collection, row.id as string, seen);
    return scope;
  });
  await closeScope(deps, scope);
}

/** Records the change, and the record's file folder for deletion after the commit. */
function recordDeleted(scope: WriteScope, collection: Collection, row: Row): void {
  scope.changes.push({ action: 'delete', collection, row });
  if (collection.fields.some((f) => f.model.type === 'file')) scope.folders.push(`${collection.id}/${String(row.id)}/`);
}

/**
 * Deletes one record (inside its delete hooks, when there are any) after fixing the
 * references to it; every row deleted or updated is recorded in the scope.
 */
async function deleteWithReferences(scope: WriteScope, tx: Executor, collection: Collection, id: string, seen: Set<string>): Promise<void> {
  const key = `${collection.id}/${id}`;
  if (seen.has(key)) return;
  seen.add(key);
  const lifecycle = scope.deps.lifecycle;
  const row = lifecycle?.has('delete', collection) ? await findRecordById(tx, collection, id) : undefined;
  if (!row) return deleteNow(scope, tx, collection, id, seen);
  await lifecycle!.around('delete', collection, rowToValues(collection, row), undefined, scope.deps, () => deleteNow(scope, tx, collection, id, seen));
}

async function deleteNow(scope: WriteScope, tx: Executor, collection: Collection, id: string, seen: Set<string>): Promise<void> {
  const deps = scope.deps;
  for (const other of deps.collections.registry.all()) {
    for (const f of other.fields) {
      if (f.model.type !== 'relation' || f.model.collectionId !== collection.id) continue;
      for (const ref of await referencingRows(tx, other, f.model, id)) {
        const refId = ref.id as string;
        if (seen.has(`${other.id}/${refId}`)) continue;
        const remaining = isMultiple(f.model) ? parseList(ref.value).filter((v) => v !== id) : [];
        if (remaining.length === 0 && f.model.cascadeDelete) {
          await deleteWithReferences(scope, tx, other, refId, seen);
          continue;
        }
        if (remaining.length === 0 && f.model.required) throw badRequest(REQUIRED_REFERENCE);
        // Saved without validation (as PocketBase does): minSelect does not block a delete.
        // The referencing record changed, so its onUpdate autodates move too.
        const p = other.dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
        const value = isMultiple(f.model) ? JSON.stringify(remaining) : '';
        const touched = other.fields.filter((a) => a.model.type === 'autodate' && a.model.onUpdate).map((a) => a.model.name);
        const sets = [f.model.name, ...touched].map((name, i) => `${quoteIdent(name)} = ${p(i + 1)}`).join(', ');
        const updated = await tx.get(`UPDATE ${quoteIdent(other.name)} SET ${sets} WHERE "id" = ${p(touched.length + 2)} RETURNING ${selectList(other)}`, [value, ...touched.map(() => nowDateTime()), refId]);
        if (updated) scope.changes.push({ action: 'update', collection: other, row: updated });
      }
    }
  }
  const p1 = collection.dialect === 'sqlite' ? '?' : '$1';
  // An auth record takes its OAuth2 links with it.
  if (collection.isAuth) await deleteLinksOf(tx, deps.store, collection.id, id);
  // RETURNING: the row as it was, for the delete event.
  const deleted = await tx.get(collection.sql('deleteById', () => `DELETE FROM ${quoteIdent(collection.name)} WHERE "id" = ${p1} RETURNING ${selectList(collection)}`), [id]);
  if (deleted) recordDeleted(scope, collection, deleted);
}

/**
 * The records whose field holds the id. On PostgreSQL they are locked (in id order) and
 * read at their latest version: two deletes that both edit a record's list must not
 * write back stale lists over each other (SQLite transactions are already serialised).
 */
function referencingRows(tx: Executor, collection: Collection, field: FieldModel, id: string) {
  const col = quoteIdent(field.name);
  const table = quoteIdent(collection.name);
  if (!isMultiple(field)) {
    if (collection.dialect === 'sqlite') return tx.all(`SELECT "id", ${col} AS "value" FROM ${table} WHERE ${col} = ?`, [id]);
    return tx.all(`SELECT "id", ${col} AS "value" FROM ${table} WHERE ${col} = $1 ORDER BY "id" FOR UPDATE`, [id]);
  }
  const sql = collection.dialect === 'sqlite'
    ? `SELECT "id", ${col} AS "value" FROM ${table} WHERE EXISTS (SELECT 1 FROM json_each(${col}) WHERE json_each.value = ?)`
    : `SELECT "id", ${col} AS "value" FROM ${table} WHERE ${col} @> jsonb_build_array($1::text) ORDER BY "id" FOR UPDATE`;
  return tx.all(sql, [id]);
}

function parseList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  try {
    const parsed = JSON.parse(String(value)) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
