/**
 * What a collection declares about text extraction (docs/documents.md): a file field's
 * `extractTextTo` (a text or editor field of the same collection that receives the
 * text of its files; "" or absent: off) and `extractOcr` (images through OCR), and the
 * system-managed json field `<file>Extraction` holding the extraction state, which
 * Galley adds, renames and removes with the option (syncExtractionFields, run on every
 * definition before it is validated).
 */
import { fieldError, type ErrorData, type FieldError } from '../core/errors.js';
import type { FieldModel } from '../core/fields/field.js';
import type { CollectionModel } from '../core/collections/model.js';
import { completeField } from '../core/collections/defaults.js';
import { fieldIdFor } from '../core/collections/ids.js';

const TARGET_TYPES = new Set(['text', 'editor']);

export const extractionFieldName = (fileField: string) => `${fileField}Extraction`;

const isField = (f: unknown): f is FieldModel => typeof f === 'object' && f !== null && !Array.isArray(f);

/** The target named by a file field, when extraction is on. */
export function extractTarget(f: FieldModel): string | undefined {
  return f.type === 'file' && typeof f.extractTextTo === 'string' && f.extractTextTo !== '' ? f.extractTextTo : undefined;
}

export interface ExtractionSource {
  file: FieldModel;
  target: FieldModel;
  /** The `<file>Extraction` json field. */
  state: FieldModel;
  ocr: boolean;
}

/** The file fields of a (valid, synced) definition whose text is extracted. */
export function extractionSources(model: CollectionModel): ExtractionSource[] {
  if (model.type === 'view' || !Array.isArray(model.fields)) return [];
  const out: ExtractionSource[] = [];
  for (const file of model.fields) {
    const targetName = isField(file) ? extractTarget(file) : undefined;
    if (!targetName) continue;
    const target = model.fields.find((f) => f.name === targetName && TARGET_TYPES.has(f.type));
    const state = model.fields.find((f) => f.name === extractionFieldName(file.name) && f.type === 'json');
    if (target && state) out.push({ file, target, state, ocr: file.extractOcr === true });
  }
  return out;
}

/** Ids of the state fields a definition manages (their file field has the option on). */
export function managedStateIds(model: CollectionModel | undefined): Set<string> {
  const ids = new Set<string>();
  if (!model || model.type === 'view' || !Array.isArray(model.fields)) return ids;
  for (const file of model.fields) {
    if (!isField(file) || !extractTarget(file)) continue;
    const state = model.fields.find((f) => isField(f) && f.name === extractionFieldName(file.name) && f.type === 'json' && f.system);
    if (state) ids.add(state.id);
  }
  return ids;
}

/**
 * Makes the definition's state fields match its options: one system json field
 * `<file>Extraction` per file field with `extractTextTo`, keeping its id (and so its
 * column and data) across renames of the file field; removed with the option. A
 * target renamed in the same update is followed (the option still naming the old name).
 */
export function syncExtractionFields(model: CollectionModel, old: CollectionModel | undefined): void {
  if (model.type === 'view' || !Array.isArray(model.fields) || !model.fields.every(isField)) return;
  followTargetRenames(model, old);
  // State fields of the old definition, by the id of their file field.
  const oldStateByFile = new Map<string, FieldModel>();
  const oldStateIds = managedStateIds(old);
  for (const f of old?.fields ?? []) {
    if (f.type !== 'file') continue;
    const state = old!.fields.find((s) => oldStateIds.has(s.id) && s.name === extractionFieldName(f.name));
    if (state) oldStateByFile.set(f.id, state);
  }
  const wanted = new Map<string, FieldModel>(); // state field name → canonical field
  for (const file of model.fields) {
    if (!extractTarget(file) || typeof file.name !== 'string') continue;
    const name = extractionFieldName(file.name);
    const given = model.fields.find((f) => f.name === name && f.type === 'json' && (f.system || !old));
    const id = oldStateByFile.get(file.id)?.id ?? given?.id ?? fieldIdFor('json', name);
    wanted.set(name, completeField({ id, name, type: 'json', system: true, hidden: false, presentable: false, required: false, maxSize: 0 }));
  }
  const wantedIds = new Set([...wanted.values()].map((f) => f.id));
  const placed = new Set<string>();
  const fields: FieldModel[] = [];
  for (const f of model.fields) {
    const ours = oldStateIds.has(f.id) || wantedIds.has(f.id) || (wanted.has(f.name) && f.type === 'json' && (f.system || !old));
    if (!ours) { fields.push(f); continue; }
    // The canonical field takes the place of the one given (same id or same name); a stale one goes.
    const canonical = [...wanted.values()].find((w) => w.id === f.id) ?? wanted.get(f.name);
    if (canonical && !placed.has(canonical.name)) {
      fields.push(canonical);
      placed.add(canonical.name);
    }
  }
  for (const [name, field] of wanted) if (!placed.has(name)) fields.push(field);
  model.fields = fields;
}

/** `extractTextTo` still naming a field this update renamed follows it to its new name. */
function followTargetRenames(model: CollectionModel, old: CollectionModel | undefined): void {
  if (!old) return;
  const oldById = new Map(old.fields.map((f) => [f.id, f]));
  for (const file of model.fields) {
    const before = oldById.get(file.id);
    if (!before || typeof file.extractTextTo !== 'string' || file.extractTextTo !== before.extractTextTo) continue;
    const oldTarget = old.fields.find((f) => f.name === before.extractTextTo);
    const now = oldTarget && model.fields.find((f) => f.id === oldTarget.id);
    if (now && now.name !== oldTarget.name && !model.fields.some((f) => f.name === file.extractTextTo)) file.extractTextTo = now.name;
  }
}

/** Adds the errors of the extraction options to a definition's errors (fields under their index). */
export function validateExtraction(model: CollectionModel, errors: ErrorData): void {
  if (model.type === 'view' || !Array.isArray(model.fields)) return;
  const claimed = new Map<string, string>();
  model.fields.forEach((f, i) => {
    if (!isField(f)) return;
    const report = (key: string, error: FieldError) => {
      const fieldErrors = ((errors.fields as ErrorData | undefined) ??= {});
      const at = ((fieldErrors[String(i)] as ErrorData | undefined) ??= {});
      (at as Record<string, unknown>)[key] ??= error;
    };
    if (f.extractOcr !== undefined && typeof f.extractOcr !== 'boolean') report('extractOcr', fieldError('validation_invalid_value', 'Must be a boolean.'));
    if (f.extractTextTo === undefined || f.extractTextTo === '') return;
    if (typeof f.extractTextTo !== 'string') return report('extractTextTo', fieldError('validation_invalid_value', 'Must be a string (a field name, or empty).'));
    if (f.type !== 'file') return report('extractTextTo', fieldError('validation_invalid_value', 'Only file fields extract text.'));
    if (f.extractTextTo === f.name) return report('extractTextTo', fieldError('validation_invalid_value', 'Must name another field, not the file field itself.'));
    const target = model.fields.find((t) => isField(t) && t.name === f.extractTextTo);
    if (!target) return report('extractTextTo', fieldError('validation_invalid_value', `There is no field named "${f.extractTextTo}".`));
    if (!TARGET_TYPES.has(target.type))
      return report('extractTextTo', fieldError('validation_invalid_value', `"${f.extractTextTo}" is a ${target.type} field; the text goes into a text or editor field.`));
    if (target.system) return report('extractTextTo', fieldError('validation_invalid_value', `"${f.extractTextTo}" is a system field.`));
    const other = claimed.get(f.extractTextTo);
    if (other) return report('extractTextTo', fieldError('validation_invalid_value', `"${f.extractTextTo}" already receives the text of "${other}".`));
    claimed.set(f.extractTextTo, f.name);
  });
}
