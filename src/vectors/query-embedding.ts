/**
 * A search's `text` turned into its query vector with the field's embedder (the
 * field option `embedder`, configured by the `embeddings` settings). A field without
 * one, an embedder that fails, or one that answers the wrong number of dimensions is
 * a 400 naming the problem (never a 500: the endpoint is outside Galley).
 */
import type { BoundField } from '../core/collections/collection.js';
import type { EmbeddingsSettings } from '../core/settings/embeddings-settings.js';
import { badRequest, fieldError } from '../core/errors.js';
import { embedderFor } from './embedders/embedders.js';
import { EmbedderError, type EmbedderKind } from './embedders/embedder.js';
import { parseVector } from './vector-values.js';

export async function embedQueryText(field: BoundField, text: string, settings: EmbeddingsSettings): Promise<number[]> {
  const model = field.model;
  const invalid = (message: string) => badRequest('Invalid search request.', { text: fieldError('validation_invalid_value', message) });
  if (!model.embedder) throw invalid(`The field "${model.name}" has no embedder to turn a text into a vector.`);
  let vectors: number[][];
  try {
    vectors = await embedderFor(model.embedder as EmbedderKind, settings).embed([text]);
  } catch (err) {
    if (err instanceof EmbedderError) throw invalid(`The ${String(model.embedder)} embedder failed: ${err.message}`);
    throw err;
  }
  const parsed = parseVector(vectors[0], model.dimensions as number);
  if (!parsed || !parsed.ok) throw invalid(`The ${String(model.embedder)} embedder's vector does not fit the field (${parsed ? parsed.message : 'empty'}).`);
  return parsed.values;
}
