/** The vector backing of an engine and its features. */
import type { DialectName } from '../store/dialect.js';
import type { StoreFeatures } from '../store/store-features.js';
import type { VectorBacking } from './vector-backing.js';
import { sqliteBlobBacking } from './sqlite-blob.js';
import { pgvectorBacking } from './pgvector.js';
import { pgArrayBacking } from './pg-array.js';

export function vectorBackingFor(dialect: DialectName, features: StoreFeatures | undefined): VectorBacking {
  if (dialect === 'sqlite') return sqliteBlobBacking;
  return features?.pgvector ? pgvectorBacking : pgArrayBacking;
}
