/** Vectors on SQLite: float32 BLOBs compared by the galley_vec_* functions (store/sqlite/vector-functions.ts). */
import type { VectorBacking } from './vector-backing.js';
import { toBlob } from './vector-values.js';

export const sqliteBlobBacking: VectorBacking = {
  name: 'blob',
  column: () => 'BLOB DEFAULT NULL',
  toDb: toBlob,
  distance: (column, metric, _dimensions, query, bind) => `galley_vec_${metric}(${column}, ${bind(toBlob(query))})`,
  // Exact search only: SQLite has no vector index here.
  createIndex: () => [],
  searchSettings: () => [],
};
