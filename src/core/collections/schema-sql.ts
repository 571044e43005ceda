/**
 * DDL for collection tables: create, and the statements that move a table from one
 * definition to the next while keeping the data of every field that stays.
 */
import type { DialectName } from '../../store/dialect.js';
import { quoteIdent as q } from '../../store/dialect.js';
import type { FieldModel } from '../fields/field.js';
import { typeOf } from '../fields/registry.js';
import { isMultiple } from '../fields/multi-value.js';
import type { CollectionModel } from './model.js';
import { indexSql, parseIndex } from './indexes.js';
import { searchIndexFor } from '../../search/engines.js';
import { searchSignature } from '../../search/options.js';
import { NO_FEATURES, type StoreFeatures } from '../../store/store-features.js';
import { createChangedVectorIndexesSql, createVectorIndexesSql, dropChangedVectorIndexesSql, resizeVectorSql } from '../../vectors/vector-ddl.js';
import { alterChunkTablesSql, createChunkTablesSql, dropChunkTablesSql } from '../../vectors/chunk-table.js';

const columnDef = (f: FieldModel, dialect: DialectName, features: StoreFeatures) => `${q(f.name)} ${typeOf(f.type).column(f, dialect, features)}`;

/** Every statement that creates the table of a base/auth collection with its indexes (features: the store's, e.g. pgvector). */
export function createTableSql(model: CollectionModel, dialect: DialectName, features: StoreFeatures = NO_FEATURES): string[] {
  const cols = model.fields.map((f) => columnDef(f, dialect, features));
  // PostgreSQL has no rowid: an identity column keeps insertion order for paging and @rowid.
  if (dialect === 'postgres') cols.unshift('"_rowid_" bigint GENERATED ALWAYS AS IDENTITY');
  return [
    `CREATE TABLE ${q(model.name)} (${cols.join(', ')})`, ...createIndexesSql(model, dialect), ...searchIndexFor(dialect).create(model),
    ...createVectorIndexesSql(model, dialect, features), ...createChunkTablesSql(model, dialect, features),
  ];
}

export function createIndexesSql(model: CollectionModel, dialect: DialectName): string[] {
  const out = model.indexes.map((s) => indexSql(parseIndex(s), model.name, dialect));
  if (dialect === 'postgres') out.push(`CREATE UNIQUE INDEX ${q(`_rowid_${model.id}`)} ON ${q(model.name)} ("_rowid_")`);
  return out;
}

export function dropIndexesSql(model: CollectionModel, dialect: DialectName): string[] {
  const out = model.indexes.map((s) => `DROP INDEX IF EXISTS ${q(parseIndex(s).name)}`);
  if (dialect === 'postgres') out.push(`DROP INDEX IF EXISTS ${q(`_rowid_${model.id}`)}`);
  return out;
}

/** The value of a column converted between single (text) and multiple (JSON array) storage. */
function convertCardinality(col: string, toMultiple: boolean, dialect: DialectName): string {
  if (dialect === 'sqlite')
    return toMultiple
      ? `CASE WHEN ${col} IS NULL OR ${col} = '' THEN '[]' ELSE json_array(${col}) END`
      : `COALESCE(json_extract(${col}, '$[#-1]'), '')`;
  return toMultiple
    ? `CASE WHEN ${col} IS NULL OR ${col} = '' THEN '[]'::jsonb ELSE jsonb_build_array(${col}) END`
    : `COALESCE(${col}->>-1, '')`;
}

/**
 * Statements that turn the table of `from` into the table of `to` (fields matched by
 * id). Indexes are dropped first and rebuilt last so columns can change freely.
 */
export function alterTableSql(from: CollectionModel, to: CollectionModel, dialect: DialectName, features: StoreFeatures = NO_FEATURES): string[] {
  // The search index goes first (its triggers read the columns
  // about to change) and is rebuilt last, only when what it indexes changed.
  const reindex = searchSignature(from) !== searchSignature(to);
  const out = reindex ? searchIndexFor(dialect).drop(from) : [];
  out.push(...dropIndexesSql(from, dialect), ...dropChangedVectorIndexesSql(from, to, dialect, features));
  // SQLite table names are case-insensitive: a change of case only goes through a temporary name.
  if (from.name !== to.name && from.name.toLowerCase() === to.name.toLowerCase())
    out.push(`ALTER TABLE ${q(from.name)} RENAME TO ${q(`_tmp_${to.id}`)}`, `ALTER TABLE ${q(`_tmp_${to.id}`)} RENAME TO ${q(to.name)}`);
  else if (from.name !== to.name) out.push(`ALTER TABLE ${q(from.name)} RENAME TO ${q(to.name)}`);
  const table = q(to.name);
  const oldById = new Map(from.fields.map((f) => [f.id, f]));
  const newIds = new Set(to.fields.map((f) => f.id));

  for (const f of from.fields) if (!newIds.has(f.id)) out.push(`ALTER TABLE ${table} DROP COLUMN ${q(f.name)}`);

  // Renames go through temporary names so that swaps (a<->b) cannot collide.
  const renamed = to.fields.filter((f) => oldById.has(f.id) && oldById.get(f.id)!.name !== f.name);
  for (const f of renamed) out.push(`ALTER TABLE ${table} RENAME COLUMN ${q(oldById.get(f.id)!.name)} TO ${q(`_tmp_${f.id}`)}`);
  for (const f of renamed) out.push(`ALTER TABLE ${table} RENAME COLUMN ${q(`_tmp_${f.id}`)} TO ${q(f.name)}`);

  for (const f of to.fields) {
    const old = oldById.get(f.id);
    if (!old) {
      out.push(`ALTER TABLE ${table} ADD COLUMN ${columnDef(f, dialect, features)}`);
      continue;
    }
    out.push(...resizeVectorSql(table, f, old, dialect, features));
    const cardinal = ['select', 'relation', 'file'].includes(f.type);
    if (cardinal && isMultiple(old) !== isMultiple(f)) {
      const tmp = q(`_conv_${f.id}`);
      out.push(
        `ALTER TABLE ${table} ADD COLUMN ${tmp} ${typeOf(f.type).column(f, dialect)}`,
        `UPDATE ${table} SET ${tmp} = ${convertCardinality(q(f.name), isMultiple(f), dialect)}`,
        `ALTER TABLE ${table} DROP COLUMN ${q(f.name)}`,
        `ALTER TABLE ${table} RENAME COLUMN ${tmp} TO ${q(f.name)}`,
      );
    }
  }
  out.push(...createIndexesSql(to, dialect));
  if (reindex) out.push(...searchIndexFor(dialect).create(to));
  out.push(...createChangedVectorIndexesSql(from, to, dialect, features), ...alterChunkTablesSql(from, to, dialect, features));
  return out;
}

/** Statements that remove what a table's DROP leaves behind (the search index's own table, the vector fields' chunk tables). */
export const dropTableExtrasSql = (model: CollectionModel, dialect: DialectName): string[] => [...searchIndexFor(dialect).drop(model), ...dropChunkTablesSql(model)];
