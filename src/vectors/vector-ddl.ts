/**
 * The schema side of vector fields: their approximate indexes (field option
 * `index: "hnsw"`, pgvector only) and what a change of dimensions does to stored
 * values (they no longer fit: they are cleared, and automatic embeddings recompute
 * them). Called by collections/schema-sql.ts.
 */
import type { DialectName } from '../store/dialect.js';
import { quoteIdent as q } from '../store/dialect.js';
import type { StoreFeatures } from '../store/store-features.js';
import type { CollectionModel } from '../core/collections/model.js';
import type { FieldModel } from '../core/fields/field.js';
import { vectorBackingFor } from './backings.js';
import type { VectorIndexKind, VectorMetric } from './vector-backing.js';

const vectorFields = (model: CollectionModel) => model.fields.filter((f) => f.type === 'vector');
export const vectorIndexName = (model: CollectionModel, f: FieldModel) => q(`_vec_${model.id}_${f.id}`);
/** What an index depends on: it is rebuilt only when this changes. */
const indexKey = (f: FieldModel) => `${f.id}:${String(f.dimensions)}:${String(f.distance)}:${String(f.index)}`;

function indexesOf(model: CollectionModel, dialect: DialectName, features: StoreFeatures): Map<string, { field: FieldModel; sql: string[] }> {
  const backing = vectorBackingFor(dialect, features);
  const out = new Map<string, { field: FieldModel; sql: string[] }>();
  for (const f of vectorFields(model)) {
    const sql = backing.createIndex(q(model.name), vectorIndexName(model, f), q(f.name), f.distance as VectorMetric, f.index as VectorIndexKind);
    if (sql.length) out.set(indexKey(f), { field: f, sql });
  }
  return out;
}

export function createVectorIndexesSql(model: CollectionModel, dialect: DialectName, features: StoreFeatures): string[] {
  return [...indexesOf(model, dialect, features).values()].flatMap((i) => i.sql);
}

/** Indexes of `from` that `to` no longer wants as they are (run before the columns change). */
export function dropChangedVectorIndexesSql(from: CollectionModel, to: CollectionModel, dialect: DialectName, features: StoreFeatures): string[] {
  const kept = indexesOf(to, dialect, features);
  return [...indexesOf(from, dialect, features)].filter(([key]) => !kept.has(key))
    .map(([, i]) => `DROP INDEX IF EXISTS ${vectorIndexName(from, i.field)}`);
}

/** Indexes `to` wants that `from` did not have (run after the columns changed). */
export function createChangedVectorIndexesSql(from: CollectionModel, to: CollectionModel, dialect: DialectName, features: StoreFeatures): string[] {
  const had = indexesOf(from, dialect, features);
  return [...indexesOf(to, dialect, features)].filter(([key]) => !had.has(key)).flatMap(([, i]) => i.sql);
}

/** A vector field whose dimensions changed: its stored values are cleared (and, on PostgreSQL, the column retyped). */
export function resizeVectorSql(table: string, field: FieldModel, old: FieldModel, dialect: DialectName, features: StoreFeatures): string[] {
  if (field.type !== 'vector' || old.type !== 'vector' || field.dimensions === old.dimensions) return [];
  const col = q(field.name);
  if (dialect === 'sqlite') return [`UPDATE ${table} SET ${col} = NULL`];
  const type = vectorBackingFor(dialect, features).column(field.dimensions as number).replace(/ DEFAULT NULL$/, '');
  return [`ALTER TABLE ${table} ALTER COLUMN ${col} TYPE ${type} USING NULL`];
}
