/**
 * Validation of a collection definition before it is saved, reported as PocketBase
 * field errors (`data.name`, `data.fields.3.name`, `data.indexes.0` ...).
 */
import { fieldError, type ErrorData, type FieldError } from '../errors.js';
import { fieldType, FIELD_TYPES } from '../fields/registry.js';
import { AUTH_RULE_KEYS, RULE_KEYS, TOKEN_KEYS, type CollectionModel } from './model.js';
import { validateRuleExpressions } from './validate-rules.js';
import type { CollectionRegistry } from './registry.js';
import { indexColumnNames, IndexSyntaxError, parseIndex, type ParsedIndex } from './indexes.js';
import { stringList } from '../fields/values.js';
import { validateProviders } from '../auth/oauth2/validate-providers.js';
import { validateSearch } from '../../search/options.js';
import { managedStateIds, validateExtraction } from '../../extraction/extraction-options.js';
import { validateVectorSources } from '../../vectors/embedding-sources.js';

const NAME = /^\w+$/;
// __proto__: records are JavaScript objects keyed by field name, where that key sets the prototype.
const RESERVED_FIELD_NAMES = new Set(['null', 'true', 'false', '_rowid_', 'collectionid', 'collectionname', 'expand', '__proto__']);
const AUTH_RESERVED_FIELD_NAMES = new Set(['passwordconfirm', 'oldpassword']);
/** Tables Galley keeps for itself; a collection may not take their names. */
export const INTERNAL_TABLES = new Set(['_collections', '_params', '_migrations', '_logs', '_logs_pending', '_otps', '_otpattempts', '_mfas']);
const SYSTEM_AUTH_FIELDS = ['id', 'password', 'tokenKey', 'email', 'emailVisibility', 'verified'];

export interface ValidationContext {
  registry: CollectionRegistry;
  /** The definition before this change (undefined on create). */
  old?: CollectionModel;
}

/** PostgreSQL cuts identifiers at 63 bytes, so longer names could silently collide there. */
const PG_MAX_IDENTIFIER_BYTES = 63;
const PG_NAME_TOO_LONG = fieldError('validation_length_too_long', `PostgreSQL names can be at most ${PG_MAX_IDENTIFIER_BYTES} bytes long.`, { max: PG_MAX_IDENTIFIER_BYTES });
const tooLongForEngine = (name: string, registry: CollectionRegistry) =>
  registry.dialect === 'postgres' && Buffer.byteLength(name) > PG_MAX_IDENTIFIER_BYTES;

/** Returns the errors of a definition, or undefined when it is valid. */
export function validateCollection(model: CollectionModel, ctx: ValidationContext): ErrorData | undefined {
  const errors: ErrorData = {};
  const { old, registry } = ctx;

  // Name
  if (typeof model.name !== 'string' || model.name === '') errors.name = fieldError('validation_required', 'Cannot be blank.');
  else if (model.name.length > 255) errors.name = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
  else if (tooLongForEngine(model.name, registry)) errors.name = PG_NAME_TOO_LONG;
  else if (model.name.toLowerCase().includes('_via_')) errors.name = fieldError('validation_found_via', 'The value cannot contain "_via_".');
  else if (!NAME.test(model.name)) errors.name = fieldError('validation_match_invalid', 'Only letters, digits and underscores are allowed.');
  else if (INTERNAL_TABLES.has(model.name.toLowerCase()) || model.name.toLowerCase().startsWith('sqlite_') || model.name.toLowerCase().startsWith('pg_'))
    errors.name = fieldError('validation_collection_name_invalid', "The name shouldn't match with an existing internal table.");
  else {
    const clash = registry.find(model.name);
    if (clash && clash.id !== model.id)
      errors.name = clash.id === model.name
        ? fieldError('validation_collection_name_id_duplicate', 'The name must not match an existing collection id.')
        : fieldError('validation_collection_name_exists', 'Collection name must be unique (case insensitive).');
    if (old?.system && old.name !== model.name) errors.name = fieldError('validation_collection_system_name_change', 'System collection name cannot be changed.');
  }

  // Id and type
  if (!old) {
    if (typeof model.id !== 'string' || !/^\w{1,100}$/.test(model.id)) errors.id = fieldError('validation_invalid_id', 'Must be 1-100 letters, digits or underscores.');
    else {
      // During an import the registry already holds this very definition: that is no clash.
      const taken = registry.find(model.id);
      if (taken && taken.id === model.id && taken.model !== model) errors.id = fieldError('validation_invalid_or_existing_id', 'The id is invalid or already exists.');
    }
  }
  if (!['base', 'auth', 'view'].includes(model.type)) errors.type = fieldError('validation_in_invalid', 'Must be a valid value.');
  else if (old && old.type !== model.type) errors.type = fieldError('validation_collection_type_change', 'Collection type cannot be changed.');

  // Rules
  const ruleKeys = model.type === 'auth' ? [...RULE_KEYS, ...AUTH_RULE_KEYS] : RULE_KEYS;
  for (const key of ruleKeys) {
    const rule = model[key];
    if (rule !== null && typeof rule !== 'string') errors[key] = fieldError('validation_invalid_rule', 'Must be a string or null.');
    else if (typeof rule === 'string' && rule.length > 3500) errors[key] = fieldError('validation_invalid_rule', 'The rule is too long.');
    else if (old?.system && old[key] !== rule) errors[key] = fieldError('validation_collection_system_rule_change', 'System collection API rule cannot be changed.');
  }
  if (model.type === 'auth' && model.manageRule === '') errors.manageRule = fieldError('validation_invalid_rule', 'The manage rule cannot be an empty string; use null or a filter.');

  if (model.type === 'view') {
    // A view's fields come from its query, and its rules are checked once they are known (collection-service.ts).
    validateViewDefinition(model, errors);
    return Object.keys(errors).length ? errors : undefined;
  }
  const fieldErrors = validateFields(model, ctx);
  if (fieldErrors) errors.fields = fieldErrors;
  else if (!errors.type) validateRuleExpressions(model, registry, errors);
  validateSearch(model, errors);
  validateExtraction(model, errors);
  validateVectorSources(model, errors);

  const parsed: ParsedIndex[] = [];
  const indexErrors = validateIndexes(model, registry, parsed);
  if (indexErrors) errors.indexes = indexErrors;

  if (model.type === 'auth') validateAuthOptions(model, errors);
  if (model.type === 'auth' && !errors.indexes && !errors.passwordAuth) {
    const identity = stringList(model.passwordAuth?.identityFields) ?? [];
    const unique = new Set(parsed.filter((i) => i.unique && i.columns.length === 1).map((i) => i.columns[0]!.name));
    // Sign-in and token checks rely on these two being unique.
    const missing = ['tokenKey', 'email'].find((f) => !unique.has(f));
    if (missing) errors.indexes = fieldError('validation_missing_required_unique_index', `Missing required unique index for field "${missing}".`);
    const bad = identity.find((f) => !unique.has(f));
    if (bad) errors.passwordAuth = { identityFields: fieldError('validation_missing_unique_index', `The identity field "${bad}" must have a UNIQUE index.`) };
  }

  return Object.keys(errors).length ? errors : undefined;
}

function validateViewDefinition(model: CollectionModel, errors: ErrorData): void {
  if (typeof model.viewQuery !== 'string' || model.viewQuery.trim() === '')
    errors.viewQuery = fieldError('validation_required', 'Cannot be blank.');
  else if (!/^\s*(select|with)\b/i.test(model.viewQuery))
    errors.viewQuery = fieldError('validation_invalid_view_query', 'The view query must be a single SELECT statement.');
  // Galley's internal tables hold token secrets, settings and OTP hashes: no view may publish them.
  else if (/\b(_collections|_params|_migrations|_otps|_otpAttempts|_mfas)\b/i.test(model.viewQuery))
    errors.viewQuery = fieldError('validation_invalid_view_query', 'The view query cannot read Galley\'s internal tables.');
  for (const key of ['createRule', 'updateRule', 'deleteRule'] as const)
    if (model[key] !== null) errors[key] = fieldError('validation_nil', 'View collections are read-only: the rule must be null.');
  if (Array.isArray(model.indexes) && model.indexes.length) errors.indexes = fieldError('validation_empty', 'View collections cannot have indexes.');
}

const TOKEN_MAX_SECONDS = 94670856; // ~3 years, as PocketBase
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Auth options (API spec 4.2): a malformed option would break sign-in or serialisation later. */
function validateAuthOptions(model: CollectionModel, errors: ErrorData): void {
  const m = model as unknown as Record<string, unknown>;
  const invalid = (message: string) => fieldError('validation_invalid_value', message);
  const range = (v: unknown, min: number, max: number): FieldError | undefined => {
    if (!isInt(v)) return invalid('Must be an integer.');
    if (v < min) return fieldError('validation_min_greater_equal_than_required', `Must be no less than ${min}.`, { min });
    if (v > max) return fieldError('validation_max_less_equal_than_required', `Must be no greater than ${max}.`, { max });
    return undefined;
  };
  const template = (t: unknown): ErrorData | FieldError | undefined => {
    if (!isPlainObject(t)) return invalid('Must be an object with subject and body.');
    const e: ErrorData = {};
    for (const key of ['subject', 'body'])
      if (typeof t[key] !== 'string' || t[key] === '') e[key] = fieldError('validation_required', 'Cannot be blank.');
    return Object.keys(e).length ? e : undefined;
  };
  const section = (key: string, check: (v: Record<string, unknown>, e: ErrorData) => void) => {
    const v = m[key];
    if (!isPlainObject(v)) { errors[key] = invalid('Must be an object.'); return; }
    const e: ErrorData = {};
    if ('enabled' in v && typeof v.enabled !== 'boolean') e.enabled = invalid('Must be a boolean.');
    check(v, e);
    if (Object.keys(e).length) errors[key] = e;
  };

  for (const key of TOKEN_KEYS)
    section(key, (v, e) => {
      const err = range(v.duration, 10, TOKEN_MAX_SECONDS);
      if (err) e.duration = err;
    });
  section('passwordAuth', (v, e) => {
    const fields = stringList(v.identityFields);
    if (!fields) e.identityFields = invalid('Must be a list of field names.');
    else if (v.enabled && fields.length === 0) e.identityFields = fieldError('validation_required', 'Cannot be blank.');
  });
  section('oauth2', (v, e) => {
    if (!Array.isArray(v.providers) || !v.providers.every(isPlainObject)) e.providers = invalid('Must be a list of provider objects.');
    else {
      const providerErrors = validateProviders(v.providers as Record<string, unknown>[]);
      if (Object.keys(providerErrors).length) e.providers = providerErrors;
    }
    if (!isPlainObject(v.mappedFields) || !Object.values(v.mappedFields).every((x) => typeof x === 'string'))
      e.mappedFields = invalid('Must be an object of field names.');
  });
  section('otp', (v, e) => {
    const duration = v.enabled ? range(v.duration, 10, 86400) : isInt(v.duration) ? undefined : invalid('Must be an integer.');
    if (duration) e.duration = duration;
    const length = v.enabled ? range(v.length, 4, 255) : isInt(v.length) ? undefined : invalid('Must be an integer.');
    if (length) e.length = length;
    const t = template(v.emailTemplate);
    if (t) e.emailTemplate = t;
  });
  section('mfa', (v, e) => {
    const duration = v.enabled ? range(v.duration, 10, 86400) : isInt(v.duration) ? undefined : invalid('Must be an integer.');
    if (duration) e.duration = duration;
    if (typeof v.rule !== 'string') e.rule = invalid('Must be a string.');
    const enabledMethods = [model.passwordAuth?.enabled, model.oauth2?.enabled, model.otp?.enabled].filter((x) => x === true).length;
    if (v.enabled === true && enabledMethods < 2 && !e.enabled)
      e.enabled = fieldError('validation_mfa_not_enough_auths', 'MFA requires at least 2 auth methods to be enabled.');
  });
  section('authAlert', (v, e) => {
    const t = template(v.emailTemplate);
    if (t) e.emailTemplate = t;
  });
  for (const key of ['verificationTemplate', 'resetPasswordTemplate', 'confirmEmailChangeTemplate']) {
    const t = template(m[key]);
    if (t) errors[key] = t;
  }
}

function validateFields(model: CollectionModel, ctx: ValidationContext): ErrorData | undefined {
  const errors: ErrorData = {};
  if (!Array.isArray(model.fields)) return { code: 'validation_invalid_value', message: 'Must be a list of fields.' } as unknown as ErrorData;
  const oldById = new Map((ctx.old?.fields ?? []).map((f) => [f.id, f]));
  const seenNames = new Set<string>();
  const seenIds = new Set<string>();
  // Text extraction states (`<file>Extraction`) follow their file field's option: renamed and removed with it.
  const managed = managedStateIds(ctx.old);

  model.fields.forEach((field, i) => {
    if (typeof field !== 'object' || field === null || Array.isArray(field)) {
      errors[String(i)] = fieldError('validation_invalid_value', 'Must be a field object.');
      return;
    }
    const fe: Record<string, FieldError> = {};
    const report = (key: string, err: FieldError) => { fe[key] ??= err; };
    const lname = typeof field.name === 'string' ? field.name.toLowerCase() : '';
    if (typeof field.name !== 'string' || field.name === '') report('name', fieldError('validation_required', 'Cannot be blank.'));
    else if (field.name.length > 100) report('name', fieldError('validation_length_out_of_range', 'The length must be between 1 and 100.'));
    else if (tooLongForEngine(field.name, ctx.registry)) report('name', PG_NAME_TOO_LONG);
    else if (!NAME.test(field.name)) report('name', fieldError('validation_match_invalid', 'Only letters, digits and underscores are allowed.'));
    else if (RESERVED_FIELD_NAMES.has(lname)) report('name', fieldError('validation_not_in_invalid', 'The name is reserved.'));
    else if (lname.includes('_via_')) report('name', fieldError('validation_found_via', 'The value cannot contain "_via_".'));
    else if (model.type === 'auth' && AUTH_RESERVED_FIELD_NAMES.has(lname))
      report('name', fieldError('validation_reserved_field_name', 'The field name is reserved and cannot be used.'));
    else if (seenNames.has(lname)) report('name', fieldError('validation_duplicated_field_name', 'Duplicated or invalid field name.'));
    seenNames.add(lname);

    // Field ids end up in temporary column names during schema changes, hence \w only.
    if (typeof field.id !== 'string' || !/^\w{1,100}$/.test(field.id)) report('id', fieldError('validation_invalid_field_id', 'Must be 1-100 letters, digits or underscores.'));
    else if (seenIds.has(field.id)) report('id', fieldError('validation_duplicated_field_id', 'Duplicated field id.'));
    seenIds.add(field.id);

    const type = fieldType(field.type);
    if (!type) report('type', fieldError('validation_in_invalid', `Must be one of ${FIELD_TYPES.join(', ')}.`));
    const old = oldById.get(field.id);
    if (old && old.type !== field.type) report('type', fieldError('validation_field_type_change', 'Field type cannot be changed.'));
    if (old?.system && old.name !== field.name && !managed.has(old.id)) report('name', fieldError('validation_system_field_change', 'System field name cannot be changed.'));
    for (const key of ['hidden', 'presentable', 'required'] as const)
      if (field[key] !== undefined && typeof field[key] !== 'boolean') report(key, fieldError('validation_invalid_value', 'Must be a boolean.'));
    if (typeof field.help !== 'string' || field.help.length > 300) report('help', fieldError('validation_length_too_long', 'Must be at most 300 characters.'));

    if (type && !fe.type) {
      type.validateOptions(field, report);
      if (field.type === 'relation' && !fe.collectionId) {
        const target = ctx.registry.find(String(field.collectionId)) ?? (field.collectionId === model.id ? { id: model.id } : undefined);
        if (!target) report('collectionId', fieldError('validation_field_relation_missing_collection', "The relation collection doesn't exist."));
        // Stored ids would point into the wrong table.
        else if (old && old.type === 'relation' && old.collectionId !== target.id)
          report('collectionId', fieldError('validation_field_relation_change', 'The relation collection cannot be changed.'));
        else field.collectionId = target.id; // names are accepted and stored as ids
      }
    }
    if (Object.keys(fe).length) errors[String(i)] = fe;
  });

  // Fields of the system set and of the old definition's system fields cannot go away.
  if (Object.keys(errors).length && model.fields.some((f) => typeof f !== 'object' || f === null)) return errors;
  const names = new Set(model.fields.map((f) => f.name));
  const ids = new Set(model.fields.map((f) => f.id));
  const missing = (ctx.old?.fields ?? []).find((f) => f.system && !ids.has(f.id) && !managed.has(f.id));
  const required = model.type === 'auth' ? SYSTEM_AUTH_FIELDS : ['id'];
  const missingSystem = required.find((n) => !names.has(n));
  if (missing) return { ...errors, code: 'validation_system_field_change', message: `System field "${missing.name}" cannot be deleted or renamed.` } as unknown as ErrorData;
  if (missingSystem) return { ...errors, code: 'validation_missing_system_field', message: `System field "${missingSystem}" is missing.` } as unknown as ErrorData;
  const idField = model.fields.find((f) => f.name === 'id');
  if (idField && (idField.type !== 'text' || !idField.primaryKey))
    return { ...errors, code: 'validation_missing_primary_key', message: 'Missing or invalid "id" primary key field.' } as unknown as ErrorData;
  return Object.keys(errors).length ? errors : undefined;
}

function validateIndexes(model: CollectionModel, registry: CollectionRegistry, parsed: ParsedIndex[]): ErrorData | undefined {
  if (!Array.isArray(model.indexes)) return { code: 'validation_invalid_value', message: 'Must be a list of index definitions.' } as unknown as ErrorData;
  const errors: ErrorData = {};
  const fieldNames = new Set(Array.isArray(model.fields) ? model.fields.map((f) => f?.name) : []);
  const names = new Set<string>();
  // During an import the other definitions are not validated yet: skip what does not parse.
  const otherIndexNames = new Set(
    registry.all().filter((c) => c.id !== model.id).flatMap((c) => (Array.isArray(c.model.indexes) ? c.model.indexes : []).flatMap((s) => {
      try { return [parseIndex(s).name.toLowerCase()]; } catch { return []; }
    })),
  );
  model.indexes.forEach((sql, i) => {
    let index: ParsedIndex;
    try {
      if (typeof sql !== 'string') throw new IndexSyntaxError('must be a string');
      index = parseIndex(sql);
    } catch (err) {
      errors[String(i)] = fieldError('validation_invalid_index_expression', `Invalid CREATE INDEX expression: ${(err as Error).message}.`);
      return;
    }
    const unknown = indexColumnNames(index).find((c) => !fieldNames.has(c));
    const lname = index.name.toLowerCase();
    if (unknown) errors[String(i)] = fieldError('validation_invalid_index_column', `Unknown field "${unknown}" in index.`);
    else if (tooLongForEngine(index.name, registry)) errors[String(i)] = PG_NAME_TOO_LONG;
    else if (names.has(lname)) errors[String(i)] = fieldError('validation_duplicated_index_name', 'The index name already exists.');
    else if (otherIndexNames.has(lname)) errors[String(i)] = fieldError('validation_existing_index_name', `Index name "${index.name}" is already used by another collection.`);
    names.add(lname);
    parsed.push(index);
  });
  return Object.keys(errors).length ? errors : undefined;
}
