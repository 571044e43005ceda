/**
 * Vectors on PostgreSQL with pgvector: `vector(D)` columns, the `<=>` (cosine), `<->`
 * (l2) and `<#>` (negative inner product) operators, and an optional HNSW index.
 * With an index, a filtered search scans it iteratively (`hnsw.iterative_scan`) until
 * k rows pass the rule and filter, instead of returning fewer.
 */
import type { VectorBacking, VectorMetric } from './vector-backing.js';
import { toPgvectorText } from './vector-values.js';

const OPERATOR: Record<VectorMetric, string> = { cosine: '<=>', l2: '<->', dot: '<#>' };
const OPCLASS: Record<VectorMetric, string> = { cosine: 'vector_cosine_ops', l2: 'vector_l2_ops', dot: 'vector_ip_ops' };

export const pgvectorBacking: VectorBacking = {
  name: 'pgvector',
  column: (dimensions) => `vector(${dimensions}) DEFAULT NULL`,
  toDb: toPgvectorText,
  withQuery: (query, fn) => fn(toPgvectorText(query)),
  distance: (column, metric, dimensions, placeholder) => `(${column} ${OPERATOR[metric]} ${placeholder}::vector(${dimensions}))`,
  createIndex: (table, name, column, metric, kind) => (kind === 'hnsw' ? [`CREATE INDEX ${name} ON ${table} USING hnsw (${column} ${OPCLASS[metric]})`] : []),
  // strict_order keeps the answers in exact distance order; ef_search at least k so k can come back.
  searchSettings: (k) => ['SET LOCAL hnsw.iterative_scan = strict_order', `SET LOCAL hnsw.ef_search = ${Math.max(40, Math.min(1000, Math.trunc(k)))}`],
};
