/**
 * The `vector` field (docs/ai.md): a fixed number of float32 values for
 * nearest-neighbour search. Options: `dimensions` (1–4096), `distance` (cosine, l2,
 * dot), `index` ("" for exact search, "hnsw" for pgvector's approximate index) and
 * `embedder` ("", "local" or "openai": what turns a search `text` into a vector) and
 * `source` (a text/editor field whose text is embedded automatically; checked with the
 * other fields in vectors/embedding-sources.ts), whose text is cut into chunks of
 * `chunkSize` characters overlapping by `chunkOverlap` (vectors/chunking.ts).
 * Stored per backing (src/vectors/): BLOB on SQLite, vector(D) or real[] on PostgreSQL.
 */
import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { InvalidValue } from './invalid-value.js';
import { MAX_DIMENSIONS, fromStored, parseVector } from '../../vectors/vector-values.js';
import { METRICS } from '../../vectors/vector-backing.js';
import { vectorBackingFor } from '../../vectors/backings.js';
import { EMBEDDER_KINDS } from '../../vectors/embedders/embedder.js';
import { LOCAL_DIMENSIONS } from '../../vectors/embedders/local-embedder.js';
import { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '../../vectors/chunking.js';

const INDEX_KINDS = ['', 'hnsw'];

export const vectorField: FieldType = {
  type: 'vector',
  defaults: { dimensions: 0, distance: 'cosine', index: '', embedder: '', source: '', chunkSize: DEFAULT_CHUNK_SIZE, chunkOverlap: DEFAULT_CHUNK_OVERLAP, required: false },
  validateOptions(field, report) {
    const d = field.dimensions;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_DIMENSIONS)
      report('dimensions', fieldError('validation_invalid_value', `Must be an integer from 1 to ${MAX_DIMENSIONS}.`));
    if (!METRICS.includes(field.distance as never))
      report('distance', fieldError('validation_invalid_value', `Must be one of ${METRICS.join(', ')}.`));
    if (!INDEX_KINDS.includes(field.index as string))
      report('index', fieldError('validation_invalid_value', 'Must be "" (exact search) or "hnsw".'));
    if (field.embedder !== '' && !EMBEDDER_KINDS.includes(field.embedder as never))
      report('embedder', fieldError('validation_invalid_value', `Must be "" (none) or one of ${EMBEDDER_KINDS.join(', ')}.`));
    else if (field.embedder === 'local' && field.dimensions !== LOCAL_DIMENSIONS)
      report('dimensions', fieldError('validation_invalid_value', `The local embedder gives ${LOCAL_DIMENSIONS} numbers: dimensions must be ${LOCAL_DIMENSIONS}.`));
    // Absent in definitions saved before chunking existed: the defaults apply.
    const size = field.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const overlap = field.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP;
    const sizeOk = typeof size === 'number' && Number.isInteger(size) && size >= MIN_CHUNK_SIZE && size <= MAX_CHUNK_SIZE;
    if (!sizeOk) report('chunkSize', fieldError('validation_invalid_value', `Must be an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE} (characters).`));
    else if (typeof overlap !== 'number' || !Number.isInteger(overlap) || overlap < 0 || overlap > Math.floor(size / 2))
      report('chunkOverlap', fieldError('validation_invalid_value', `Must be an integer from 0 to ${Math.floor(size / 2)} (half the chunk size).`));
  },
  column: (field, dialect, features) => vectorBackingFor(dialect, features).column(field.dimensions as number),
  isMultiple: () => false,
  prepare(raw, field) {
    const parsed = parseVector(raw, field.dimensions as number);
    if (parsed === null) return null;
    return parsed.ok ? parsed.values : new InvalidValue(raw, 'validation_invalid_vector', parsed.message);
  },
  validate(value, field) {
    if (value instanceof InvalidValue) return fieldError(value.code, value.message);
    if (value === null) return field.required ? required() : undefined;
    return undefined;
  },
  toDb: (value, _field, dialect, features) =>
    Array.isArray(value) && value.length > 0 ? vectorBackingFor(dialect, features).toDb(value as number[]) : null,
  fromDb: (raw) => fromStored(raw),
  empty: () => null,
};
