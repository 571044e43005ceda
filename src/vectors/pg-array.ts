/**
 * Vectors on PostgreSQL without pgvector: `real[]` columns and distances computed in
 * SQL over unnest() — exact and correct, but one row per dimension per record, so
 * much slower than pgvector (docs/ai.md gives the limit). Galley warns on start when
 * a collection has a vector field and pgvector is missing.
 */
import type { VectorBacking, VectorMetric } from './vector-backing.js';

const DISTANCE: Record<VectorMetric, string> = {
  // A zero vector has no direction: +Infinity, so it sorts last as on the other backings.
  cosine: `CASE WHEN sum(x * x) = 0 OR sum(y * y) = 0 THEN 'Infinity'::float8 ELSE 1 - sum(x * y) / (sqrt(sum(x * x)) * sqrt(sum(y * y))) END`,
  l2: 'sqrt(sum((x - y) * (x - y)))',
  dot: '-sum(x * y)',
};

export const pgArrayBacking: VectorBacking = {
  name: 'array',
  column: () => 'real[] DEFAULT NULL',
  toDb: (values) => `{${values.join(',')}}`,
  withQuery: (query, fn) => fn(`{${query.join(',')}}`),
  distance: (column, metric, _dimensions, placeholder) =>
    `(SELECT ${DISTANCE[metric]} FROM unnest(${column}::float8[], ${placeholder}::float8[]) AS "_v"(x, y))`,
  createIndex: () => [],
  searchSettings: () => [],
};
