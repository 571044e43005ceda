/**
 * What typegen says about search and text extraction (docs/search.md, docs/documents.md):
 * the searchable fields and the collection's `search` options as doc comments, a file
 * field's `extractTextTo` on both ends, and the system-managed `<file>Extraction` field
 * typed as its state object rather than as an unknown json value.
 */
import type { CollectionModel } from '../core/collections/model.js';
import type { FieldModel } from '../core/fields/field.js';
import { searchableFields, searchOptions } from '../search/options.js';

/** The type name of an extraction state, declared once in the generated file. */
export const EXTRACTION_TYPE = 'FileExtraction';

export const EXTRACTION_DECLARATION = [
  '/** The state of a file field\'s text extraction (`<file>Extraction`), kept by Galley: clients cannot write it. */',
  `export interface ${EXTRACTION_TYPE} {`,
  '  status: "pending" | "done" | "failed";',
  '  /** Why it failed (only with status "failed"). */',
  '  error?: string;',
  '  updated: IsoDateString;',
  '}',
];

const extractTarget = (f: FieldModel): string | undefined =>
  f.type === 'file' && typeof f.extractTextTo === 'string' && f.extractTextTo !== '' ? f.extractTextTo : undefined;

/** `<file>Extraction` field name → the file field whose extraction it reports. */
export function extractionFields(model: CollectionModel): Map<string, FieldModel> {
  const out = new Map<string, FieldModel>();
  if (model.type === 'view') return out;
  for (const f of model.fields) if (extractTarget(f)) out.set(`${f.name}Extraction`, f);
  return out;
}

/** A line for the collection's doc comment when it has searchable fields. */
export function searchNote(model: CollectionModel): string[] {
  const fields = searchableFields(model);
  if (!fields.length) return [];
  const o = searchOptions(model);
  const names = fields.map((f) => `\`${f.name}\``).join(', ');
  return [`Full-text search over ${names}: \`filter: 'search("…")'\`, \`sort: "@rank"\` (language ${o.language}${o.porter ? ', porter stemming' : ''}).`];
}

/** Doc comment lines of one field about search and extraction. */
export function documentFieldNotes(model: CollectionModel, field: FieldModel): string[] {
  const notes: string[] = [];
  if (field.searchable === true && searchableFields(model).includes(field)) notes.push('Searchable with `search()` in filters and rules.');
  const target = extractTarget(field);
  if (target) notes.push(`The text of its files is extracted into \`${target}\`${field.extractOcr === true ? ' (images through OCR)' : ''}; progress in \`${field.name}Extraction\`.`);
  const sources = model.fields.filter((f) => extractTarget(f) === field.name).map((f) => `\`${f.name}\``);
  if (sources.length) notes.push(`Receives the text extracted from the files of ${sources.join(', ')}.`);
  const of = extractionFields(model).get(field.name);
  if (of) notes.push(`Text extraction of \`${of.name}\`, kept by Galley (null without a file); filter: \`${field.name}.status = "failed"\`.`);
  return notes;
}
