/** The embedder of a kind, configured from the `embeddings` settings. */
import type { EmbeddingsSettings } from '../../core/settings/embeddings-settings.js';
import type { Embedder, EmbedderKind } from './embedder.js';
import { localEmbedder } from './local-embedder.js';
import { openaiEmbedder } from './openai-embedder.js';

export function embedderFor(kind: EmbedderKind, settings: EmbeddingsSettings): Embedder {
  return kind === 'local' ? localEmbedder : openaiEmbedder(settings);
}
