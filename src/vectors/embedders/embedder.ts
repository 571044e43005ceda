/**
 * An embedder turns texts into vectors for vector fields (docs/ai.md). One
 * implementation per kind: `local` (a model in an npm package, in a worker thread) and
 * `openai` (any OpenAI-compatible /v1/embeddings endpoint). The same test suite checks
 * both (test/embedders.test.ts).
 */
export const EMBEDDER_KINDS = ['local', 'openai'] as const;
export type EmbedderKind = (typeof EMBEDDER_KINDS)[number];

export interface Embedder {
  readonly kind: EmbedderKind;
  /** One vector per text, in order. Throws EmbedderError. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** A failure to embed, with a message safe to show to a client (no keys, no internals). */
export class EmbedderError extends Error {
  constructor(message: string, readonly retryable = true) {
    super(message);
  }
}
