/**
 * How one engine stores and compares vectors: one implementation per backing —
 * SQLite float32 BLOB (sqlite-blob.ts), PostgreSQL with pgvector (pgvector.ts) and
 * PostgreSQL's `real[]` fallback (pg-array.ts). The same test suite runs against each
 * (test/vectors-*.test.ts). Distances: smaller is more similar for every metric.
 */
export type VectorMetric = 'cosine' | 'l2' | 'dot';
export const METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'dot'];

export type VectorIndexKind = '' | 'hnsw';

export interface VectorBacking {
  readonly name: 'blob' | 'pgvector' | 'array';
  /** The column type (nullable: a record without a vector holds NULL). */
  column(dimensions: number): string;
  /** A validated vector in bind-parameter form. */
  toDb(values: readonly number[]): unknown;
  /** Runs fn with the query vector in bind-parameter form (valid only while fn runs). */
  withQuery<T>(query: readonly number[], fn: (value: unknown) => Promise<T>): Promise<T>;
  /** SQL for the distance between `column` and the query vector bound at `placeholder`. */
  distance(column: string, metric: VectorMetric, dimensions: number, placeholder: string): string;
  /** Statements that create an approximate index for the field option `index`, or none when the backing has none. */
  createIndex(table: string, name: string, column: string, metric: VectorMetric, kind: VectorIndexKind): string[];
  /** Statements to run (in the query's transaction) before a search that may use such an index. */
  searchSettings(k: number): string[];
}
