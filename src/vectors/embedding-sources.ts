/**
 * Automatic embeddings, the definition side (docs/ai.md): a vector field whose
 * `source` names a text or editor field of the same collection, with an `embedder`,
 * gets its vector computed from that text. Checked when the collection is saved.
 */
import type { CollectionModel } from '../core/collections/model.js';
import type { FieldModel } from '../core/fields/field.js';
import { fieldError, type ErrorData, type FieldError } from '../core/errors.js';
import type { EmbedderKind } from './embedders/embedder.js';
import { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE } from './chunking.js';

export interface VectorSource {
  vector: FieldModel;
  source: FieldModel;
  embedder: EmbedderKind;
}

const SOURCE_TYPES = new Set(['text', 'editor']);
const isField = (f: unknown): f is FieldModel => typeof f === 'object' && f !== null && !Array.isArray(f);

/** The vector fields with a valid source (a loaded, validated definition). */
export function vectorSources(model: CollectionModel): VectorSource[] {
  if (model.type === 'view') return [];
  const out: VectorSource[] = [];
  for (const vector of model.fields) {
    if (vector.type !== 'vector' || !vector.source || !vector.embedder) continue;
    const source = model.fields.find((f) => f.name === vector.source);
    if (source && SOURCE_TYPES.has(source.type)) out.push({ vector, source, embedder: vector.embedder as EmbedderKind });
  }
  return out;
}

/** How a field's source text is chunked (definitions saved before chunking existed have the defaults). */
export function chunkOptions(vector: FieldModel): { size: number; overlap: number } {
  return { size: Number(vector.chunkSize ?? DEFAULT_CHUNK_SIZE), overlap: Number(vector.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP) };
}

/** What makes stored vectors (and chunks) stale when it changes: recomputed (backfill) on a change. */
export function sourceSignature(s: VectorSource): string {
  const { size, overlap } = chunkOptions(s.vector);
  return `${s.source.id}|${s.embedder}|${String(s.vector.dimensions)}|${size}|${overlap}`;
}

export function validateVectorSources(model: CollectionModel, errors: ErrorData): void {
  if (model.type === 'view' || !Array.isArray(model.fields)) return;
  model.fields.forEach((f, i) => {
    if (!isField(f) || f.type !== 'vector') return;
    const report = (error: FieldError) => {
      const fieldErrors = ((errors.fields as ErrorData | undefined) ??= {});
      const at = ((fieldErrors[String(i)] as ErrorData | undefined) ??= {});
      (at as Record<string, unknown>).source ??= error;
    };
    if (f.source === undefined || f.source === '') return;
    if (typeof f.source !== 'string') return report(fieldError('validation_invalid_value', 'Must be a string (a field name, or empty).'));
    if (!f.embedder) return report(fieldError('validation_invalid_value', 'A source needs an embedder (local or openai).'));
    const source = model.fields.find((t) => isField(t) && t.name === f.source);
    if (!source) return report(fieldError('validation_invalid_value', `There is no field named "${f.source}".`));
    if (!SOURCE_TYPES.has(source.type)) report(fieldError('validation_invalid_value', `"${f.source}" is a ${source.type} field; the source is a text or editor field.`));
  });
}
