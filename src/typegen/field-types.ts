/** One field of a collection definition → its TypeScript type, as records carry it in API (JSON) form. */
import type { FieldModel } from '../core/fields/field.js';
import { literal } from './names.js';

/** Fields never sent to anyone: the password hash and the token key. */
export const isOmitted = (field: FieldModel): boolean => field.type === 'password' || field.name === 'tokenKey';

const isMultiple = (field: FieldModel): boolean => Number(field.maxSelect ?? 1) > 1;

/** `T` or `T[]` per maxSelect; an empty single value is "" (PocketBase's form). */
function selectType(field: FieldModel): string {
  const values = Array.isArray(field.values) ? (field.values as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  if (values.length === 0) return isMultiple(field) ? 'string[]' : 'string';
  const union = values.map(literal).join(' | ');
  if (isMultiple(field)) return values.length === 1 ? `${union}[]` : `(${union})[]`;
  return field.required ? union : `${union} | ""`;
}

/**
 * jsonParam is the generic parameter a json field gets (its default is unknown).
 * Unknown types (a definition from a newer Galley) are `unknown` rather than a guess.
 */
export function fieldType(field: FieldModel, jsonParam?: string): string {
  switch (field.type) {
    case 'text': case 'editor': case 'email': case 'url': return 'string';
    case 'date': case 'autodate': return 'IsoDateString';
    case 'number': return 'number';
    case 'bool': return 'boolean';
    case 'select': return selectType(field);
    case 'relation': case 'file': return isMultiple(field) ? 'string[]' : 'string';
    case 'json': return jsonParam ?? 'unknown';
    case 'geoPoint': return 'GeoPoint';
    case 'vector': return 'number[]';
    default: return 'unknown';
  }
}

/** The doc comment of a property: its help text and why it may be missing. */
export function fieldComment(field: FieldModel, authEmail: boolean, related?: string): string[] {
  const notes: string[] = [];
  if (typeof field.help === 'string' && field.help.trim() !== '') notes.push(field.help.trim().replace(/\*\//g, '* /'));
  if (field.hidden) notes.push('Hidden: only superusers and server-side code (hooks) see it.');
  if (authEmail) notes.push('Sent only to the record itself and superusers, or when emailVisibility is true.');
  if (field.type === 'relation') notes.push(`Id(s) of ${related ?? 'records of another collection'}.`);
  if (field.type === 'vector') notes.push(`${String(field.dimensions)} numbers (float32); [] when none is stored.`);
  if (field.type === 'file') notes.push(Number(field.maxSelect ?? 1) > 1 ? 'Stored file names.' : 'Stored file name.');
  return notes;
}
