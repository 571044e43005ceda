/**
 * The checks on a record id a client chooses on create, with PocketBase's codes
 * (core/field_text.go): the id field's length and pattern
 * (`validation_min_text_constraint`, `validation_max_text_constraint`,
 * `validation_invalid_format`); and, when the collection customised the id pattern,
 * characters and names unsafe in file paths (ids name the record's file directory)
 * and an existing id in any letter case (`validation_pk_invalid`). With the default
 * lowercase pattern an existing id is left to the primary key: `validation_not_unique`.
 */
import type { Executor } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import type { FieldModel } from '../fields/field.js';
import { textField } from '../fields/text.js';
import { fieldError, type FieldError } from '../errors.js';

/** The id pattern of a new collection; ids matching it cannot hold unsafe characters or differ only in case. */
const DEFAULT_ID_PATTERN = '^[a-z0-9]+$';
const FORBIDDEN_CHARACTERS = ['.', '/', '\\', '|', '"', "'", '`', '<', '>', ':', '?', '*', '%', '$', '\0', '\t', '\n', '\r', ' '];
/** Windows device names, refused in any case. */
const RESERVED_IDS = new Set(['CON', 'PRN', 'AUX', 'NUL', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`])]);

const customPattern = (field: FieldModel) => field.pattern !== DEFAULT_ID_PATTERN;

/** What is wrong with a submitted id on its own, or undefined. */
export function recordIdError(id: string, field: FieldModel): FieldError | undefined {
  const err = textField.validate(id, field);
  if (err || !customPattern(field)) return err;
  const ch = FORBIDDEN_CHARACTERS.find((c) => id.includes(c));
  if (ch !== undefined) return fieldError('validation_forbidden_pk_character', `'${ch}' is not a valid primary key character.`, { ch });
  if (RESERVED_IDS.has(id.toUpperCase()))
    return fieldError('validation_reserved_pk', `The primary key '${id.toUpperCase()}' is reserved and cannot be used.`, { reserved: id.toUpperCase() });
  return undefined;
}

/**
 * With a customised pattern, an id that exists already in another letter case is
 * refused before the insert (the primary key alone would take "Abc" beside "abc").
 */
export async function existingIdError(tx: Executor, collection: Collection, id: string): Promise<FieldError | undefined> {
  if (!customPattern(collection.field('id')!.model)) return undefined;
  const p = collection.dialect === 'sqlite' ? '?' : '$1';
  const sql = collection.sql('id-exists-any-case', () => `SELECT 1 AS "found" FROM ${quoteIdent(collection.name)} WHERE lower("id") = lower(${p}) LIMIT 1`);
  if (await tx.get(sql, [id])) return fieldError('validation_pk_invalid', 'The record primary key is invalid or already exists.');
  return undefined;
}
