/**
 * "The schema loads as Galley would": the collection definitions of a snapshot go
 * through the same registry the core loads them into, and every collection that is a
 * table must have its table in the snapshot.
 */
import { CollectionRegistry } from '../core/collections/registry.js';
import type { CollectionModel } from '../core/collections/model.js';
import type { DialectName } from '../store/dialect.js';
import type { TableEntry } from './manifest.js';

/** '' when the schema loads; otherwise what is wrong. */
export function schemaProblem(engine: DialectName, definitions: string[], tables: TableEntry[]): string {
  let models: CollectionModel[];
  try {
    models = definitions.map((d) => JSON.parse(d) as CollectionModel);
    new CollectionRegistry(engine).replaceAll(models);
  } catch (err) {
    return `the collection definitions do not load: ${(err as Error).message}`;
  }
  if (models.length === 0) return 'the backup has no collections';
  const names = new Set(tables.map((t) => t.name));
  const missing = models.filter((m) => m.type !== 'view' && !names.has(m.name)).map((m) => m.name);
  return missing.length ? `tables missing for collections: ${missing.join(', ')}` : '';
}
