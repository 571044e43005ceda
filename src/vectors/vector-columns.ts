/**
 * Vector columns stored as `real[]` become pgvector's `vector(D)` once pgvector is there
 * (docs/ai.md): columns created while it was missing, and those a `galley backup
 * restore` made (it does not look for extensions). Checked on every start on
 * PostgreSQL, after the collections are loaded and before any request is served.
 */
import type { Store } from '../store/store.js';
import { quoteIdent as q } from '../store/dialect.js';
import { storeFeatures } from '../store/store-features.js';
import type { CollectionModel } from '../core/collections/model.js';
import { pgvectorBacking } from './pgvector.js';
import { vectorIndexName } from './vector-ddl.js';
import type { VectorIndexKind, VectorMetric } from './vector-backing.js';

const ARRAY_COLUMN = `SELECT "table_name", "column_name" FROM information_schema.columns WHERE table_schema = current_schema() AND udt_name = '_float4'`;

/** Converts every vector field's real[] column; returns `collection.field` of each one converted. */
export async function upgradeArrayVectorColumns(store: Store, models: readonly CollectionModel[]): Promise<string[]> {
  if (store.dialect.name !== 'postgres' || !storeFeatures(store).pgvector) return [];
  const fields = models.filter((m) => m.type !== 'view').flatMap((model) => model.fields.filter((f) => f.type === 'vector').map((field) => ({ model, field })));
  if (fields.length === 0) return [];
  const arrays = new Set((await store.all(ARRAY_COLUMN)).map((r) => `${String(r.table_name)}.${String(r.column_name)}`));
  const converted: string[] = [];
  for (const { model, field } of fields) {
    if (!arrays.has(`${model.name}.${field.name}`)) continue;
    const [table, col, dims] = [q(model.name), q(field.name), field.dimensions as number];
    const done = await store.transaction(async (tx) => {
      // Instances starting together: the first converts, the others find it done.
      await tx.exec(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const still = await tx.get(`${ARRAY_COLUMN} AND table_name = $1 AND column_name = $2`, [model.name, field.name]);
      if (!still) return false;
      // Stored values always have the field's length; anything else could not be searched anyway.
      await tx.exec(`ALTER TABLE ${table} ALTER COLUMN ${col} TYPE vector(${dims}) USING CASE WHEN array_length(${col}, 1) = ${dims} THEN ${col}::vector(${dims}) END`);
      const index = pgvectorBacking.createIndex(table, vectorIndexName(model, field), col, field.distance as VectorMetric, field.index as VectorIndexKind);
      for (const sql of index) await tx.exec(sql);
      return true;
    });
    if (done) converted.push(`${model.name}.${field.name}`);
  }
  return converted;
}
