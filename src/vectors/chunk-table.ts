/**
 * The chunks of a vector field with a source (docs/ai.md, "Chunks"): a system table
 * `_chunks_<collection id>_<field id>` per such field, one row per chunk of a record's
 * source text — record id, seq (0-based), start/end offsets into the text, page, the
 * text, and its vector in the field's backing (BLOB, vector(D) or real[]). Named by
 * ids, so renaming the collection or the field changes nothing; created and dropped
 * with the field (collections/schema-sql.ts calls the DDL here), recreated empty when
 * the dimensions change (the backfill fills it again), with pgvector's HNSW index when
 * the field asks for one (chunk-index-search.ts searches through it). Rows go with their record in the
 * delete's transaction (embedding-lifecycle.ts), and every read joins the record's
 * table under its rule, so a chunk whose record is gone by another path is never seen.
 */
import type { DialectName } from '../store/dialect.js';
import { quoteIdent as q } from '../store/dialect.js';
import type { Executor } from '../store/store.js';
import { NO_FEATURES, type StoreFeatures } from '../store/store-features.js';
import type { CollectionModel } from '../core/collections/model.js';
import type { Collection } from '../core/collections/collection.js';
import type { FieldModel } from '../core/fields/field.js';
import { vectorSources } from './embedding-sources.js';
import { vectorBackingFor } from './backings.js';
import type { Chunk } from './chunking.js';
import type { VectorIndexKind, VectorMetric } from './vector-backing.js';

export const chunkTableName = (collectionId: string, fieldId: string) => `_chunks_${collectionId}_${fieldId}`;
/** Every chunk table of a collection starts with this (backups tell them from foreign tables by it). */
export const chunkTablePrefix = (collectionId: string) => `_chunks_${collectionId}_`;

/** The fields of a definition that have a chunk table, keyed by what the table's shape depends on. */
function chunked(model: CollectionModel): Map<string, FieldModel> {
  return new Map(vectorSources(model).map((s) => [`${s.vector.id}:${String(s.vector.dimensions)}`, s.vector]));
}

function createSql(model: CollectionModel, field: FieldModel, dialect: DialectName, features: StoreFeatures, ifNotExists = false): string[] {
  const [text, int] = dialect === 'sqlite' ? ['TEXT', 'INTEGER'] : ['text', 'integer'];
  const vector = vectorBackingFor(dialect, features).column(field.dimensions as number);
  return [
    `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${q(chunkTableName(model.id, field.id))} ("record" ${text} NOT NULL, "seq" ${int} NOT NULL, "start" ${int} NOT NULL, ` +
    `"end" ${int} NOT NULL, "page" ${int}, "text" ${text} NOT NULL, "vector" ${vector}, PRIMARY KEY ("record", "seq"))`,
    ...(ifNotExists ? [] : indexSql(model, field, dialect, features)),
  ];
}

const dropSql = (model: CollectionModel, field: FieldModel) => `DROP TABLE IF EXISTS ${q(chunkTableName(model.id, field.id))}`;

/** pgvector's HNSW index of a chunk table, when the field asks for one (`index: "hnsw"`). */
const chunkIndexName = (model: CollectionModel, field: FieldModel) => `${chunkTableName(model.id, field.id)}_hnsw`;

function indexSql(model: CollectionModel, field: FieldModel, dialect: DialectName, features: StoreFeatures): string[] {
  return vectorBackingFor(dialect, features).createIndex(q(chunkTableName(model.id, field.id)), q(chunkIndexName(model, field)), '"vector"',
    field.distance as VectorMetric, field.index as VectorIndexKind);
}

/** What a chunk table's index depends on (its operator class follows the distance). */
const indexKey = (field: FieldModel) => `${String(field.distance)}:${String(field.index)}`;

/** The chunk tables of a new collection. */
export function createChunkTablesSql(model: CollectionModel, dialect: DialectName, features: StoreFeatures = NO_FEATURES): string[] {
  return [...chunked(model).values()].flatMap((f) => createSql(model, f, dialect, features));
}

/**
 * The chunk tables a loaded collection lacks (a database from before chunking existed)
 * are created, and its records embedded without chunks (those, or chunks lost in a
 * cross-engine restore, which rebuilds them empty) are marked pending again, so the
 * embedding job gives them their chunks. Returns the fields that need the job.
 */
export async function repairChunkTables(db: Executor, collection: Collection): Promise<string[]> {
  if (collection.isView) return [];
  const p = ph(collection.dialect);
  const out: string[] = [];
  for (const field of chunked(collection.model).values()) {
    for (const sql of createSql(collection.model, field, collection.dialect, collection.features, true)) await db.exec(sql);
    if (collection.features.pgvector) {
      await upgradeArrayColumn(db, chunkTableName(collection.id, field.id), field.dimensions as number);
      const index = indexSql(collection.model, field, collection.dialect, collection.features);
      if (index.length && !(await db.get(`SELECT 1 AS "x" FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`, [chunkIndexName(collection.model, field)])))
        for (const sql of index) await db.exec(sql);
    }
    const changed = await db.run(
      `UPDATE "_embeddings" SET "status" = 'pending', "hash" = NULL, "updated" = ${p(1)} WHERE "collection" = ${p(2)} AND "field" = ${p(3)} AND "status" = 'done' ` +
      `AND NOT EXISTS (SELECT 1 FROM ${q(chunkTableName(collection.id, field.id))} AS "_c" WHERE "_c"."record" = "_embeddings"."record")`,
      [Date.now(), collection.id, field.id],
    );
    if (changed > 0) out.push(field.id);
  }
  return out;
}

/**
 * A chunk table made while pgvector was missing (or by a restore that did not look for
 * it) keeps `real[]`: converted to `vector(D)` once pgvector is there, as the records'
 * own columns are (vector-columns.ts), keeping the chunks.
 */
async function upgradeArrayColumn(db: Executor, table: string, dimensions: number): Promise<void> {
  const array = await db.get(
    `SELECT 1 AS "x" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'vector' AND udt_name = '_float4'`, [table]);
  if (!array) return;
  await db.exec(`ALTER TABLE ${q(table)} ALTER COLUMN "vector" TYPE vector(${dimensions}) USING CASE WHEN array_length("vector", 1) = ${dimensions} THEN "vector"::vector(${dimensions}) END`);
}

/** The chunk tables of a collection being dropped. */
export function dropChunkTablesSql(model: CollectionModel): string[] {
  return [...chunked(model).values()].map((f) => dropSql(model, f));
}

/** From one definition to the next: tables no longer wanted as they are go, new ones come (empty: the backfill fills them). */
export function alterChunkTablesSql(from: CollectionModel, to: CollectionModel, dialect: DialectName, features: StoreFeatures = NO_FEATURES): string[] {
  const before = chunked(from);
  const after = chunked(to);
  // A kept table whose distance or index option changed: its index is made again.
  const reindexed = [...after].filter(([key, f]) => before.has(key) && indexKey(before.get(key)!) !== indexKey(f));
  return [
    ...[...before].filter(([key]) => !after.has(key)).map(([, f]) => dropSql(from, f)),
    ...reindexed.flatMap(([key, f]) => [`DROP INDEX IF EXISTS ${q(chunkIndexName(from, before.get(key)!))}`, ...indexSql(to, f, dialect, features)]),
    ...[...after].filter(([key]) => !before.has(key)).flatMap(([, f]) => createSql(to, f, dialect, features)),
  ];
}

/** The chunk table of a vector field, if it has one (a source and an embedder). */
export function chunkTableOf(collection: Collection, field: FieldModel): string | undefined {
  if (collection.isView) return undefined;
  return vectorSources(collection.model).some((s) => s.vector.id === field.id) ? chunkTableName(collection.id, field.id) : undefined;
}

const ph = (dialect: DialectName) => (n: number) => (dialect === 'sqlite' ? '?' : `$${n}`);

/** The rows of the chunk tables. */
export class ChunkRows {
  constructor(private readonly dialect: DialectName) {}

  /** A record's chunks, replacing the ones it had (in the caller's transaction). */
  async replace(db: Executor, collection: Collection, fieldId: string, record: string, chunks: readonly Chunk[], vectors: readonly (readonly number[])[]): Promise<void> {
    const table = q(chunkTableName(collection.id, fieldId));
    const p = ph(this.dialect);
    await db.run(`DELETE FROM ${table} WHERE "record" = ${p(1)}`, [record]);
    const backing = vectorBackingFor(collection.dialect, collection.features);
    for (const [seq, c] of chunks.entries()) {
      await db.run(
        `INSERT INTO ${table} ("record", "seq", "start", "end", "page", "text", "vector") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`,
        [record, seq, c.start, c.end, c.page, c.text, backing.toDb(vectors[seq]!)],
      );
    }
  }

  /** A record's chunks of every chunked field of the collection (the record is being deleted, or its text emptied). */
  async removeRecord(db: Executor, model: CollectionModel, record: string, fieldId?: string): Promise<void> {
    for (const f of chunked(model).values()) {
      if (fieldId !== undefined && f.id !== fieldId) continue;
      await db.run(`DELETE FROM ${q(chunkTableName(model.id, f.id))} WHERE "record" = ${ph(this.dialect)(1)}`, [record]);
    }
  }
}
