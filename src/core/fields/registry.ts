/** Every field type by its `type` name. */
import type { FieldType } from './field.js';
import { autodateField } from './autodate.js';
import { boolField } from './bool.js';
import { dateField } from './date.js';
import { editorField } from './editor.js';
import { emailField } from './email.js';
import { fileField } from './file.js';
import { geoPointField } from './geo-point.js';
import { jsonField } from './json.js';
import { numberField } from './number.js';
import { passwordField } from './password.js';
import { relationField } from './relation.js';
import { selectField } from './select.js';
import { textField } from './text.js';
import { urlField } from './url.js';
import { vectorField } from './vector.js';

const ALL: FieldType[] = [
  textField, numberField, boolField, emailField, urlField, editorField, dateField, autodateField,
  selectField, jsonField, relationField, fileField, passwordField, geoPointField, vectorField,
];

const BY_TYPE = new Map(ALL.map((t) => [t.type, t]));

export function fieldType(type: string): FieldType | undefined {
  return BY_TYPE.get(type);
}

/** For a field of a loaded (already validated) collection. */
export function typeOf(type: string): FieldType {
  const t = BY_TYPE.get(type);
  if (!t) throw new Error(`unknown field type ${type}`);
  return t;
}

export const FIELD_TYPES = ALL.map((t) => t.type);
