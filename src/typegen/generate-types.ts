/**
 * Collection definitions → one TypeScript source file of record types, for the
 * `pocketbase` SDK on the client and for hooks (docs/typegen.md). Pure: no database
 * handle, and the same definitions always give the same text.
 */
import type { CollectionModel } from '../core/collections/model.js';
import type { FieldModel } from '../core/fields/field.js';
import { fieldComment, fieldType, isOmitted } from './field-types.js';
import { literal, NameAllocator, pascalCase, propertyKey } from './names.js';
import { documentFieldNotes, EXTRACTION_DECLARATION, EXTRACTION_TYPE, extractionFields, searchNote } from './document-fields.js';

export interface TypegenOptions {
  /** The command line named in the header, so readers know how to regenerate. */
  command?: string;
}

interface Planned {
  model: CollectionModel;
  /** PascalCase base of the type names: `${base}Record`, `${base}Response`. */
  base: string;
  /** Generic parameter name per json field name. */
  jsonParams: Map<string, string>;
  /** `<file>Extraction` field name → its file field (typed as the extraction state). */
  extractions: Map<string, FieldModel>;
}

/** Sorted by name (definitions are stored unordered), type names deduplicated in that order. */
function plan(models: readonly CollectionModel[]): Planned[] {
  const sorted = [...models].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new NameAllocator();
  return sorted.map((model) => {
    const params = new NameAllocator(['Texpand']);
    const jsonParams = new Map<string, string>();
    const extractions = extractionFields(model);
    for (const f of model.fields) {
      if (f.type === 'json' && !isOmitted(f) && !extractions.has(f.name)) jsonParams.set(f.name, params.take(`T${pascalCase(f.name).replace(/^_/, '')}`));
    }
    return { model, base: names.take(pascalCase(model.name)), jsonParams, extractions };
  });
}

function doc(lines: string[], indent: string): string[] {
  if (lines.length === 0) return [];
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

const paramList = (params: string[]) => (params.length ? `<${params.map((p) => `${p} = unknown`).join(', ')}>` : '');

function recordInterface(p: Planned, relatedName: (id: unknown) => string | undefined): string[] {
  const { model } = p;
  const out = doc([`The \`${model.name}\` collection (${model.type}): every field as the API returns it.`, ...searchNote(model)], '');
  out.push(`export interface ${p.base}Record${paramList([...p.jsonParams.values()])} {`);
  const byName = new Map(model.fields.map((f) => [f.name, f]));
  const property = (f: FieldModel) => {
    const authEmail = model.type === 'auth' && f.name === 'email';
    const optional = f.hidden || authEmail ? '?' : '';
    out.push(...doc([...fieldComment(f, authEmail, relatedName(f.collectionId)), ...documentFieldNotes(model, f)], '  '));
    const type = p.extractions.has(f.name) ? `${EXTRACTION_TYPE} | null` : fieldType(f, p.jsonParams.get(f.name));
    out.push(`  ${propertyKey(f.name)}${optional}: ${type};`);
  };
  const id = byName.get('id');
  if (id) property(id);
  else out.push('  id: string;');
  out.push('  collectionId: string;', `  collectionName: ${literal(model.name)};`);
  for (const f of model.fields) if (f.name !== 'id' && !isOmitted(f)) property(f);
  // An auth collection always has these; a definition written by hand might not list them.
  if (model.type === 'auth') {
    if (!byName.has('email')) out.push('  email?: string;');
    if (!byName.has('emailVisibility')) out.push('  emailVisibility: boolean;');
    if (!byName.has('verified')) out.push('  verified: boolean;');
  }
  // Galley adds the extraction state field itself; a definition written by hand might not list it.
  for (const name of p.extractions.keys()) {
    if (!byName.has(name)) property({ id: '', name, type: 'json', system: true, hidden: false, presentable: false, help: '' });
  }
  out.push('}');
  return out;
}

function responseType(p: Planned): string[] {
  const json = [...p.jsonParams.values()];
  const args = json.length ? `<${json.join(', ')}>` : '';
  return [
    ...doc([`A \`${p.model.name}\` record from the API, with the relations asked for by \`expand\`.`], ''),
    `export type ${p.base}Response${paramList(['Texpand', ...json])} = ${p.base}Record${args} & { expand?: Texpand };`,
  ];
}

const HEADER_TYPES = [
  '/** Datetimes as the API sends them: "2024-01-31 12:00:00.000Z". */',
  'export type IsoDateString = string;',
  '',
  'export interface GeoPoint {',
  '  lon: number;',
  '  lat: number;',
  '}',
];

const HELPERS = [
  'export type CollectionName = keyof CollectionRecords;',
  '',
  '/**',
  ' * A record as hooks and `app.records` see it: plain field values, without',
  ' * collectionId/collectionName. In a hook: `const post = e.record as RecordOf<"posts">;`',
  ' */',
  'export type RecordOf<N extends CollectionName> = Omit<CollectionRecords[N], "collectionId" | "collectionName">;',
  '',
  '/** A record from the API (the SDK) of collection N, with an expand of type Texpand. */',
  'export type ResponseOf<N extends CollectionName, Texpand = unknown> = CollectionResponses[N] & { expand?: Texpand };',
];

export function generateTypes(models: readonly CollectionModel[], options: TypegenOptions = {}): string {
  const planned = plan(models);
  const nameOfId = new Map(models.map((m) => [m.id, m.name]));
  const relatedName = (id: unknown) => (typeof id === 'string' && nameOfId.has(id) ? `\`${nameOfId.get(id)}\` records` : undefined);
  const out: string[] = [
    '/**',
    ` * Generated by \`${options.command ?? 'galley typegen'}\`: do not edit, run it again after a schema change.`,
    ' * Record types of this app\'s collections for the pocketbase SDK and for hooks (docs/typegen.md).',
    ' */',
    '/* eslint-disable */',
    "import type PocketBase from 'pocketbase';",
    "import type { RecordModel, RecordService } from 'pocketbase';",
    '',
    'export enum Collections {',
    ...planned.map((p) => `  ${p.base} = ${literal(p.model.name)},`),
    '}',
    '',
    ...HEADER_TYPES,
  ];
  if (planned.some((p) => p.extractions.size > 0)) out.push('', ...EXTRACTION_DECLARATION);
  for (const p of planned) out.push('', ...recordInterface(p, relatedName), '', ...responseType(p));
  out.push('', 'export interface CollectionRecords {', ...planned.map((p) => `  ${propertyKey(p.model.name)}: ${p.base}Record;`), '}');
  out.push('', 'export interface CollectionResponses {', ...planned.map((p) => `  ${propertyKey(p.model.name)}: ${p.base}Response;`), '}');
  out.push('', ...HELPERS, '');
  out.push(
    '/** `const pb = new PocketBase(url) as TypedPocketBase;`: `pb.collection("posts")` then returns typed records. */',
    'export interface TypedPocketBase extends PocketBase {',
    ...planned.map((p) => `  collection(idOrName: ${literal(p.model.name)} | Collections.${p.base} | ${literal(p.model.id)}): RecordService<${p.base}Response>;`),
    '  collection<M = RecordModel>(idOrName: string): RecordService<M>;',
    '}',
    '',
  );
  return out.join('\n');
}
