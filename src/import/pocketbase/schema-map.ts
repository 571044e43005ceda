/**
 * PocketBase `_collections` rows → Galley collection definitions. Galley keeps
 * definitions in PocketBase's JSON shape, so this is a flattening of `options` into the
 * definition with ids, fields (ids included), rules, indexes and token secrets kept as
 * they are; and the choice of what is not imported.
 */
import type { PbCollectionRow } from './source.js';

/** PocketBase collections that are not imported, with why. */
export const SKIPPED_COLLECTIONS: Record<string, string> = {
  _mfas: 'pending MFA sessions are short-lived (Galley keeps its own)',
  _otps: 'one-time passwords are short-lived (Galley keeps its own)',
};

/** Why a PocketBase collection is not imported, or undefined when it is. */
export function skipReason(name: string): string | undefined {
  return Object.hasOwn(SKIPPED_COLLECTIONS, name) ? SKIPPED_COLLECTIONS[name] : undefined;
}

/** A Galley collection definition (as the collections import takes it) for a PocketBase row. */
export function collectionInput(row: PbCollectionRow): Record<string, unknown> {
  const input: Record<string, unknown> = {
    id: row.id, name: row.name, type: row.type, system: row.system,
    ...row.rules,
    fields: row.fields, indexes: row.indexes,
  };
  if (row.type === 'view') input.viewQuery = String(row.options.viewQuery ?? '');
  if (row.type === 'auth') {
    const { viewQuery: _q, ...options } = row.options;
    Object.assign(input, options);
    // PocketBase writes null for an empty provider list (its Go nil slice).
    const oauth2 = input.oauth2 as Record<string, unknown> | undefined;
    if (oauth2 && !Array.isArray(oauth2.providers)) input.oauth2 = { ...oauth2, providers: [] };
  }
  return input;
}
