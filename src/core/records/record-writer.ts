/**
 * Creating and updating records (API spec 2.4, 2.5): body resolution, casting and
 * validation of every field, auth-collection rules for passwords, emails and
 * tokenKeys, relation checks, then one INSERT/UPDATE inside a transaction. A write
 * either lands whole or not at all.
 */
import type { Executor, Row } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { badRequest, fieldError, type ErrorData } from '../errors.js';
import { ruleAccess, type Access, type AccessContext } from '../rules/rule-access.js';
import { withRequest } from '../filter/request-data.js';
import { hasManageRule, managesRecord } from '../rules/manage-rule.js';
import { rowSatisfies } from '../rules/row-access.js';
import { generateFromPattern } from '../fields/text.js';
import { asList } from '../fields/multi-value.js';
import { nowDateTime } from '../fields/datetime.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { newRecordId } from '../collections/ids.js';
import { resolveBody } from './modifiers.js';
import { existingIdError, recordIdError } from './record-id.js';
import { checkRelationIds } from './relations.js';
import { executeWrite, inTransaction, throwIfErrors } from './write-transaction.js';
import { rowToValues } from './serialize.js';
import { columnList, findRecordById, getAccessibleRecord } from './record-reader.js';
import type { RecordDeps } from './deps.js';
import type { RecordFileHooks } from './file-hooks.js';

type Values = Record<string, unknown>;

const placeholders = (c: Collection) => (c.dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`);

function toDbRow(collection: Collection, values: Values): unknown[] {
  return collection.fields.map((f) => f.type.toDb(values[f.model.name], f.model, collection.dialect, collection.features));
}

/** The stored form of values, for serializeRecord. */
export function valuesToRow(collection: Collection, values: Values): Row {
  const row: Row = {};
  const dbValues = toDbRow(collection, values);
  collection.fields.forEach((f, i) => { row[f.model.name] = dbValues[i]; });
  return row;
}

export async function createRecord(deps: RecordDeps, collection: Collection, body: Values, ctx: AccessContext, files?: RecordFileHooks): Promise<Row> {
  if (collection.isView) throw badRequest('Unsupported collection type.');
  const auth = ctx.auth;
  const access = ruleAccess(collection, 'createRule', auth);
  const { values: submitted, extras } = resolveBody(collection, body, {}, auth.isSuperuser);
  const now = nowDateTime();
  const values: Values = {};
  const errors: ErrorData = {};

  for (const f of collection.fields) {
    const name = f.model.name;
    if (f.model.type === 'autodate') { values[name] = f.model.onCreate ? now : ''; continue; }
    values[name] = name in submitted ? f.type.prepare(submitted[name], f.model) : f.type.empty(f.model);
    if (f.model.type === 'text' && values[name] === '' && f.model.autogeneratePattern)
      values[name] = name === 'id' ? newRecordId() : generateFromPattern(f.model.autogeneratePattern as string);
  }
  const chosenId = 'id' in submitted && values.id !== '' && typeof values.id === 'string';
  if (chosenId) {
    const idError = recordIdError(values.id as string, collection.field('id')!.model);
    if (idError) errors.id = idError;
  }

  if (collection.isAuth) {
    if (typeof values.password === 'string' && values.password !== '' && extras.passwordConfirm !== values.password)
      errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
    if (collection.isSuperusers) values.verified = true;
  }

  Object.assign(errors, files?.errors);
  validateFields(collection, values, () => true, errors);
  for (const f of collection.fields) {
    const name = f.model.name;
    if (f.model.type === 'file' && !errors[name] && asList(values[name]).some((n) => !files?.isUpload(name, n)))
      errors[name] = fieldError('validation_invalid_file', 'Unknown file name; files must be uploaded.');
  }

  // A lone INSERT (no rule, relation or auth check to keep consistent with it) needs no
  // explicit transaction: on PostgreSQL that saves two round trips per create.
  const lone = access.kind === 'all' && !collection.isAuth && !deps.lifecycle?.has('create', collection)
    && !collection.fields.some((f) => f.model.type === 'relation' && asList(values[f.model.name]).length > 0);
  const written = inTransaction(deps, collection, 'Failed to create record.', async (tx, scope) => {
    // The rule is checked first (a failure says nothing about the fields), against the would-be record.
    if (access.kind === 'rule' && !(await candidateSatisfies(tx, collection, values, access, withBody(ctx, submitted))))
      throw badRequest('Failed to create record.');
    // Only superusers and callers the manage rule matches for the new record may set `verified`.
    if (collection.isAuth && values.verified === true && !collection.isSuperusers && !auth.isSuperuser
      && !(hasManageRule(collection) && await candidateSatisfies(tx, collection, values, { kind: 'rule', rule: collection.model.manageRule! }, withBody(ctx, submitted))))
      errors.verified = fieldError('validation_not_allowed', 'Only superusers and managers can set the verified state.');
    await checkRelationIds(tx, deps.collections.registry, collection, values, () => true, errors);
    if (chosenId && !errors.id) {
      const existing = await existingIdError(tx, collection, values.id as string);
      if (existing) errors.id = existing;
    }
    if (collection.isAuth && 'id' in submitted) await checkAuthIdUnique(deps, tx, collection, values.id as string, errors);
    throwIfErrors(errors, 'Failed to create record.');
    await hashSubmittedPasswords(collection, values);
    const p = placeholders(collection);
    const sql = collection.sql('insert', () =>
      `INSERT INTO ${quoteIdent(collection.name)} (${columnList(collection)}) VALUES (${collection.fields.map((_, i) => p(i + 1)).join(', ')})`);
    const saved = await executeWrite(scope, 'create', collection, values, undefined,
      (record) => revalidate(collection, record, 'Failed to create record.'),
      async (record) => {
        await files?.beforeWrite(collection, record.id as string, {}, record);
        await tx.run(sql, toDbRow(collection, record));
      },
      (record) => valuesToRow(collection, record));
    return valuesToRow(collection, saved);
  }, { lone });
  return written.catch(async (err: unknown) => {
    await deps.lifecycle?.failed('create', collection, values, err);
    throw err;
  });
}

export async function updateRecord(deps: RecordDeps, collection: Collection, id: string, body: Values, ctx: AccessContext, files?: RecordFileHooks): Promise<Row> {
  if (collection.isView) throw badRequest('Unsupported collection type.');
  const auth = ctx.auth;
  const access = ruleAccess(collection, 'updateRule', auth);
  let attempted: Values = {};
  const written = inTransaction(deps, collection, 'Failed to update record.', async (tx, scope) => {
    // Read inside the transaction (and locked on PostgreSQL) so modifiers such as n+ never lose updates.
    const row = await getAccessibleRecord(tx, collection, id, ALL, ctx, true);
    const current = rowToValues(collection, row);
    const { values: submitted, extras } = resolveBody(collection, body, current, auth.isSuperuser);
    // The rule sees the stored record and, as @request.body, the modifier-resolved submission.
    if (access.kind === 'rule') await getAccessibleRecord(tx, collection, id, access, withBody(ctx, submitted));
    const values: Values = { ...current };
    attempted = values;
    const errors: ErrorData = {};
    const changed = (name: string) => name in submitted;

    for (const f of collection.fields) {
      const name = f.model.name;
      if (f.model.type === 'autodate') { if (f.model.onUpdate) values[name] = nowDateTime(); continue; }
      if (changed(name)) values[name] = f.type.prepare(submitted[name], f.model);
    }
    if (changed('id') && values.id !== current.id) errors.id = fieldError('validation_pk_change', 'The record primary key cannot be changed.');

    if (collection.isAuth) {
      const sensitive = ['password', 'email', 'verified'].some((k) => k in submitted);
      const manager = auth.isSuperuser || (sensitive && await managesRecord(tx, collection, id, withBody(ctx, submitted)));
      await checkAuthChanges(collection, current, values, submitted, extras, manager, errors);
    }
    Object.assign(errors, files?.errors);
    // The stored id is not validated again (a change is refused above): as in PocketBase, a record
    // keeps working after the id rules change, or when a migration or import gave it another form.
    validateFields(collection, values, (name) => name !== 'id' && (changed(name) || !isPassword(collection, name)), errors);
    for (const f of collection.fields) {
      const name = f.model.name;
      if (f.model.type !== 'file' || !changed(name) || errors[name]) continue;
      const known = asList(current[name]);
      if (asList(values[name]).some((n) => !known.includes(n) && !files?.isUpload(name, n)))
        errors[f.model.name] = fieldError('validation_invalid_file', 'Unknown file name; files must be uploaded.');
    }
    await checkRelationIds(tx, deps.collections.registry, collection, values, changed, errors);
    throwIfErrors(errors, 'Failed to update record.');
    await hashSubmittedPasswords(collection, values, changed);

    const p = placeholders(collection);
    const sql = collection.sql('update', () => {
      const sets = collection.fields.map((f, i) => `${quoteIdent(f.model.name)} = ${p(i + 1)}`).join(', ');
      return `UPDATE ${quoteIdent(collection.name)} SET ${sets} WHERE "id" = ${p(collection.fields.length + 1)}`;
    });
    const saved = await executeWrite(scope, 'update', collection, values, current,
      (record) => revalidate(collection, record, 'Failed to update record.'),
      async (record) => {
        await files?.beforeWrite(collection, id, current, record);
        await tx.run(sql, [...toDbRow(collection, record), id]);
      },
      (record) => valuesToRow(collection, record));
    return valuesToRow(collection, saved);
  }, { rerunnable: true }); // everything above is recomputed from body on a rerun
  return written.catch(async (err: unknown) => {
    await deps.lifecycle?.failed('update', collection, attempted, err);
    throw err;
  });
}

/** A record as hooks left it must still be valid (passwords are hashed by then: not checked again). */
function revalidate(collection: Collection, record: Values, message: string): void {
  const errors: ErrorData = {};
  validateFields(collection, record, (name) => !isPassword(collection, name), errors);
  throwIfErrors(errors, message);
}

const isPassword = (c: Collection, name: string) => c.field(name)?.model.type === 'password';

const ALL: Access = { kind: 'all' };

function withBody(ctx: AccessContext, body: Values): AccessContext {
  return { auth: ctx.auth, registry: ctx.registry, request: withRequest(ctx.request, { body }) };
}

/** Evaluates a create rule against the candidate record (not stored yet). */
function candidateSatisfies(tx: Executor, collection: Collection, values: Values, access: Access, ctx: AccessContext): Promise<boolean> {
  const candidate = { ...values, ...(collection.isAuth ? { verified: false } : {}) };
  return rowSatisfies(tx, collection, valuesToRow(collection, candidate), access, ctx);
}

function validateFields(collection: Collection, values: Values, include: (name: string) => boolean, errors: ErrorData): void {
  for (const f of collection.fields) {
    const name = f.model.name;
    if (errors[name] || f.model.type === 'autodate' || !include(name)) continue;
    // PostgreSQL cannot store NUL or a lone UTF-16 surrogate in text or jsonb; refused on
    // both engines so they accept the same data. (Passwords are hashed before they are stored.)
    if (f.model.type !== 'password' && hasUnstorableText(values[name])) {
      errors[name] = fieldError('validation_invalid_value', 'Must not contain NUL characters or invalid Unicode.');
      continue;
    }
    const err = f.type.validate(values[name], f.model);
    if (err) errors[name] = err;
  }
}

const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Any string in the value (object keys included) holding NUL or a lone surrogate; a loop, as values may nest deeply. */
function hasUnstorableText(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

async function hashSubmittedPasswords(collection: Collection, values: Values, changed: (n: string) => boolean = () => true) {
  for (const f of collection.fields) {
    if (f.model.type === 'password' && changed(f.model.name) && values[f.model.name] !== '')
      values[f.model.name] = await hashPassword(values[f.model.name] as string);
  }
}

/** Password, email and verified changes on an auth record (API spec 2.5). */
async function checkAuthChanges(collection: Collection, current: Values, values: Values, submitted: Values, extras: Values, manager: boolean, errors: ErrorData) {
  if ('password' in submitted) {
    if (values.password === '') errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (extras.passwordConfirm !== values.password)
      errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
    if (!manager) {
      const old = typeof extras.oldPassword === 'string' ? extras.oldPassword : '';
      if (old === '' || !(await verifyPassword(current.password as string, old)))
        errors.oldPassword = fieldError('validation_invalid_old_password', 'Missing or invalid old password.');
    }
  }
  if ('email' in submitted && values.email !== current.email && !manager)
    errors.email = fieldError('validation_not_allowed', 'The email can only be changed through the email change flow.');
  if ('verified' in submitted && values.verified !== current.verified && !manager)
    errors.verified = fieldError('validation_not_allowed', 'Only superusers can change the verified state.');
  if (collection.isSuperusers) values.verified = true;
  // A new password or email invalidates every token issued before.
  const rotate = ('password' in submitted && values.password !== '') || values.email !== current.email;
  if (rotate && !('tokenKey' in submitted)) values.tokenKey = generateFromPattern(collection.field('tokenKey')!.model.autogeneratePattern as string);
}

/** Auth record ids are unique across every auth collection (tokens carry only the id). */
async function checkAuthIdUnique(deps: RecordDeps, tx: Executor, collection: Collection, id: string, errors: ErrorData) {
  if (errors.id) return;
  for (const other of deps.collections.registry.all()) {
    if (!other.isAuth || other.id === collection.id) continue;
    if (await findRecordById(tx, other, id)) {
      errors.id = fieldError('validation_invalid_auth_id', 'Invalid or duplicated auth record id.');
      return;
    }
  }
}
