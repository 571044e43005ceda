/**
 * Turns a client's collection JSON into a complete definition: on create, the
 * type's defaults with the input merged in; on update, the stored definition with
 * the (partial) input merged in. Validation comes after, in validate.ts.
 */
import type { FieldModel } from '../fields/field.js';
import { completeField, ensureAuthIndexes, newCollection } from './defaults.js';
import { AUTH_RULE_KEYS, RULE_KEYS, TOKEN_KEYS, type CollectionModel, type CollectionType } from './model.js';
import { collectionIdFor, randomSecret } from './ids.js';
import { indexString, parseIndex } from './indexes.js';
import { nowDateTime } from '../fields/datetime.js';
import { syncExtractionFields } from '../../extraction/extraction-options.js';

type Input = Record<string, unknown>;

const AUTH_OBJECT_KEYS = [
  'authAlert', 'oauth2', 'passwordAuth', 'mfa', 'otp', 'verificationTemplate', 'resetPasswordTemplate', 'confirmEmailChangeTemplate',
] as const;

const isObject = (v: unknown): v is Input => typeof v === 'object' && v !== null && !Array.isArray(v);

export function modelForCreate(input: Input, existingIds: (id: string) => boolean): CollectionModel {
  const type = (typeof input.type === 'string' ? input.type : 'base') as CollectionType;
  const name = typeof input.name === 'string' ? input.name : '';
  let id = typeof input.id === 'string' && input.id !== '' ? input.id : collectionIdFor(type, name);
  if (input.id === undefined || input.id === '') {
    for (let n = 2; existingIds(id); n++) id = `${collectionIdFor(type, name)}${n}`;
  }
  const model = newCollection(['base', 'auth', 'view'].includes(type) ? type : 'base', name, id);
  model.type = type;
  const defaults = model.fields;
  applyInput(model, input, undefined);
  if (Array.isArray(input.fields)) {
    // A full definition (exported, or replayed by a migration) keeps its system fields system.
    input.fields.forEach((raw: unknown, i) => {
      if (!isObject(raw) || raw.system !== true) return;
      if (defaults.some((d) => d.system && d.name === raw.name && d.type === raw.type)) model.fields[i]!.system = true;
    });
    // System fields the client left out are added back (matched by name).
    const names = new Set(model.fields.map((f) => f?.name)); // non-objects: validation reports them
    const missing = defaults.filter((f) => f.system && !names.has(f.name));
    model.fields = [...missing, ...model.fields];
  }
  syncExtractionFields(model, undefined);
  ensureAuthIndexes(model);
  model.indexes = normaliseIndexTables(model);
  return model;
}

export function modelForUpdate(old: CollectionModel, input: Input): CollectionModel {
  const model = structuredClone(old);
  applyInput(model, input, old);
  syncExtractionFields(model, old);
  if (model.name !== old.name || model.fields !== old.fields) model.indexes = followRenames(model, old);
  ensureAuthIndexes(model);
  model.indexes = normaliseIndexTables(model);
  if (model.type === 'auth' && model.authRule !== old.authRule && model.authToken) model.authToken.secret = randomSecret();
  model.updated = nowDateTime();
  return model;
}

function applyInput(model: CollectionModel, input: Input, old: CollectionModel | undefined): void {
  if (typeof input.name === 'string') model.name = input.name;
  if (old && input.type !== undefined) model.type = input.type as CollectionType;
  const ruleKeys = model.type === 'auth' ? [...RULE_KEYS, ...AUTH_RULE_KEYS] : RULE_KEYS;
  for (const key of ruleKeys) if (key in input) (model as unknown as Input)[key] = input[key];
  if ('indexes' in input) model.indexes = input.indexes as string[];
  if ('search' in input) model.search = (input.search ?? undefined) as CollectionModel['search']; // validation checks it
  if (Array.isArray(input.fields)) model.fields = mergeFields(input.fields, old?.fields ?? []);
  else if (input.fields !== undefined) model.fields = input.fields as FieldModel[]; // validation reports it
  if (model.type === 'auth') {
    for (const key of AUTH_OBJECT_KEYS) {
      if (isObject(input[key])) (model as unknown as Input)[key] = mergeOption(model[key] as Input, input[key] as Input);
    }
    if (old?.oauth2 && model.oauth2 && isObject(input.oauth2)) keepClientSecrets(model.oauth2.providers, old.oauth2.providers);
    for (const key of TOKEN_KEYS) {
      const given = input[key];
      if (!isObject(given) || !model[key]) continue;
      if ('duration' in given) model[key]!.duration = given.duration as number; // validation checks it
      if (typeof given.secret === 'string' && given.secret.length >= 30) model[key]!.secret = given.secret;
    }
  }
  if (model.type === 'view' && typeof input.viewQuery === 'string') model.viewQuery = input.viewQuery;
}

/** The API never returns clientSecrets, so a provider submitted without one keeps the stored secret. */
function keepClientSecrets(providers: unknown, stored: Record<string, unknown>[]): void {
  if (!Array.isArray(providers)) return; // validation reports it
  for (const p of providers) {
    if (!isObject(p) || (typeof p.clientSecret === 'string' && p.clientSecret !== '')) continue;
    const before = stored.find((s) => s.name === p.name);
    if (before && typeof before.clientSecret === 'string') p.clientSecret = before.clientSecret;
  }
}

/** A partial option object over the stored one; nested objects (email templates, mapped fields) merge too. */
function mergeOption(stored: Input | undefined, given: Input): Input {
  const out: Input = { ...stored };
  for (const [k, v] of Object.entries(given)) out[k] = isObject(v) && isObject(out[k]) ? { ...(out[k] as Input), ...v } : v;
  return out;
}

/** Fields from the client; those matching a stored field (by id, else name) keep what the client left out. */
function mergeFields(input: unknown[], oldFields: FieldModel[]): FieldModel[] {
  const byId = new Map(oldFields.map((f) => [f.id, f]));
  const byName = new Map(oldFields.map((f) => [f.name, f]));
  return input.map((raw) => {
    if (!isObject(raw)) return raw as FieldModel; // validation reports it
    const old = (typeof raw.id === 'string' && byId.get(raw.id)) || (raw.id === undefined || raw.id === '' ? byName.get(raw.name as string) : undefined);
    if (old && (raw.type === undefined || raw.type === old.type)) return { ...old, ...raw, id: old.id, system: old.system } as FieldModel;
    const { system: _system, ...rest } = raw;
    return completeField({ ...rest, name: String(raw.name ?? ''), type: String(raw.type ?? '') });
  });
}

/** Indexes always name the collection's own table (PocketBase rewrites a different table name). */
function normaliseIndexTables(model: CollectionModel): string[] {
  if (!Array.isArray(model.indexes) || typeof model.name !== 'string') return model.indexes; // validation reports it
  return model.indexes.map((sql) => {
    try {
      const idx = parseIndex(sql);
      return idx.table === model.name ? sql : indexString(idx, model.name);
    } catch {
      return sql; // validation reports it
    }
  });
}

/** Index definitions follow a collection rename and field renames. */
function followRenames(model: CollectionModel, old: CollectionModel): string[] {
  if (!Array.isArray(model.fields) || !Array.isArray(model.indexes) || model.fields.some((f) => typeof f !== 'object' || f === null))
    return model.indexes; // validation reports it
  const oldNames = new Map(old.fields.map((f) => [f.id, f.name]));
  const renames = new Map<string, string>();
  for (const f of model.fields) {
    const before = oldNames.get(f.id);
    if (before && before !== f.name) renames.set(before, f.name);
  }
  if (renames.size === 0 && model.name === old.name) return model.indexes;
  const current = new Set(model.fields.map((f) => f.name));
  return model.indexes.map((sql) => {
    try {
      const idx = parseIndex(sql);
      for (const c of idx.columns) if (!current.has(c.name) && renames.has(c.name)) c.name = renames.get(c.name)!;
      for (const t of idx.where) if (t.kind === 'column' && !current.has(t.name) && renames.has(t.name)) t.name = renames.get(t.name)!;
      return indexString(idx, model.name);
    } catch {
      return sql; // validation reports it
    }
  });
}

