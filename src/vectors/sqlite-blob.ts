/** Vectors on SQLite: float32 BLOBs compared by the galley_vec_* functions (store/sqlite/vector-functions.ts). */
import type { VectorBacking } from './vector-backing.js';
import { toBlob } from './vector-values.js';
import { withQueryVector } from '../store/sqlite/vector-functions.js';

export const sqliteBlobBacking: VectorBacking = {
  name: 'blob',
  column: () => 'BLOB DEFAULT NULL',
  toDb: toBlob,
  // The query is a handle to the vector registered for the statement (see vector-functions.ts for why).
  withQuery: withQueryVector,
  distance: (column, metric, _dimensions, placeholder) => `galley_vec_${metric}(${column}, ${placeholder})`,
  // Exact search only: SQLite has no vector index here.
  createIndex: () => [],
  searchSettings: () => [],
};
