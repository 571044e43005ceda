/**
 * What a collection declares about search (docs/search.md): `searchable: true` on
 * text and editor fields, and the collection's `search` options — the PostgreSQL
 * text search configuration (`language`) and the porter stemmer on SQLite
 * (`porter`). Validation reports problems as PocketBase field errors.
 */
import { fieldError, type ErrorData, type FieldError } from '../core/errors.js';
import type { FieldModel } from '../core/fields/field.js';
import type { CollectionModel } from '../core/collections/model.js';

export interface SearchOptions {
  /** PostgreSQL text search configuration ("simple": no stemming, no stop words). */
  language: string;
  /** SQLite: the porter stemmer in front of unicode61. */
  porter: boolean;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { language: 'simple', porter: false };

/** The text search configurations PostgreSQL 15 ships; the name is written into DDL, so only these pass. */
export const SEARCH_LANGUAGES = [
  'simple', 'arabic', 'danish', 'dutch', 'english', 'finnish', 'french', 'german', 'greek', 'hungarian', 'indonesian',
  'irish', 'italian', 'lithuanian', 'nepali', 'norwegian', 'portuguese', 'romanian', 'russian', 'spanish', 'swedish',
  'tamil', 'turkish',
] as const;

const SEARCHABLE_TYPES = new Set(['text', 'editor']);

/** The searchable fields of a definition, in field order. */
export function searchableFields(model: CollectionModel): FieldModel[] {
  if (model.type === 'view' || !Array.isArray(model.fields)) return [];
  return model.fields.filter((f) => typeof f === 'object' && f !== null && f.searchable === true && SEARCHABLE_TYPES.has(f.type));
}

export function searchOptions(model: CollectionModel): SearchOptions {
  return { ...DEFAULT_SEARCH_OPTIONS, ...(model.search ?? {}) };
}

/**
 * What the index is built from; the index is rebuilt only when this changes
 * (a field made searchable or not, renamed, removed; the table renamed; the options).
 */
export function searchSignature(model: CollectionModel): string {
  const fields = searchableFields(model);
  if (!fields.length) return '';
  const o = searchOptions(model);
  return JSON.stringify([model.name, fields.map((f) => f.name), o.language, o.porter]);
}

/** Adds the errors of the search options to a definition's errors (fields under their index). */
export function validateSearch(model: CollectionModel, errors: ErrorData): void {
  if (Array.isArray(model.fields) && model.type !== 'view') {
    model.fields.forEach((f, i) => {
      if (typeof f !== 'object' || f === null || f.searchable === undefined) return;
      let error: FieldError | undefined;
      if (typeof f.searchable !== 'boolean') error = fieldError('validation_invalid_value', 'Must be a boolean.');
      else if (f.searchable && !SEARCHABLE_TYPES.has(f.type)) error = fieldError('validation_invalid_value', 'Only text and editor fields can be searchable.');
      if (!error) return;
      const fieldErrors = ((errors.fields as ErrorData | undefined) ??= {});
      const at = ((fieldErrors[String(i)] as ErrorData | undefined) ??= {});
      at.searchable = error;
    });
  }
  if (model.search === undefined) return;
  const given = model.search as unknown;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    errors.search = fieldError('validation_invalid_value', 'Must be an object with "language" and "porter".');
    return;
  }
  const e: ErrorData = {};
  const { language, porter, ...rest } = given as Record<string, unknown>;
  if (language !== undefined && !(SEARCH_LANGUAGES as readonly unknown[]).includes(language))
    e.language = fieldError('validation_in_invalid', `Must be one of ${SEARCH_LANGUAGES.join(', ')}.`);
  if (porter !== undefined && typeof porter !== 'boolean') e.porter = fieldError('validation_invalid_value', 'Must be a boolean.');
  for (const key of Object.keys(rest)) e[key] = fieldError('validation_unknown_option', 'Unknown search option.');
  if (Object.keys(e).length) errors.search = e;
}
