/**
 * The `openai` embedder: POST {openaiUrl}/embeddings with `{model, input: [...],
 * dimensions?}` and the key as a Bearer token, in batches of openaiBatchSize, answers
 * read from `data[i].embedding` by `data[i].index`. Works with OpenAI and the servers
 * that speak its wire format (Ollama, llama.cpp's server, vLLM, LM Studio, TEI).
 * Errors name the status and the endpoint's own message, never the key (core/openai-fetch.ts).
 */
import type { EmbeddingsSettings } from '../../core/settings/embeddings-settings.js';
import { EmbedderError, type Embedder } from './embedder.js';
import { endpointMessage, endpointUrl, OutboundError, postJson } from '../../core/openai-fetch.js';

interface EmbeddingsResponse { data?: { index?: number; embedding?: unknown }[]; error?: { message?: string } }

export function openaiEmbedder(settings: EmbeddingsSettings): Embedder {
  const url = endpointUrl(settings.openaiUrl, 'embeddings');
  const embedBatch = async (input: readonly string[], signal?: AbortSignal): Promise<number[][]> => {
    const request = { model: settings.openaiModel, input, ...(settings.openaiDimensions > 0 ? { dimensions: settings.openaiDimensions } : {}) };
    let res: Response;
    let body: EmbeddingsResponse | undefined;
    try {
      const call = await postJson(url, request, { apiKey: settings.openaiApiKey, timeoutMs: settings.openaiTimeoutMs, signal, name: 'The embeddings endpoint' });
      res = call.response;
      try {
        body = (await res.json()) as EmbeddingsResponse;
      } catch (err) {
        // A timeout or a cancellation while the body was read is a failure to answer; a body that is not JSON is not.
        if (call.signal.aborted) throw call.failure(err);
        body = undefined;
      }
    } catch (err) {
      if (err instanceof OutboundError) throw new EmbedderError(err.message);
      throw err;
    }
    if (!res.ok) {
      const message = endpointMessage(body, settings.openaiApiKey);
      // 429 and 5xx may pass; other 4xx (a wrong model or key) will not.
      throw new EmbedderError(`The embeddings endpoint answered ${res.status}${message ? `: ${message}` : ''}`, res.status === 429 || res.status >= 500);
    }
    const data = Array.isArray(body?.data) ? body.data : [];
    const out: number[][] = new Array(input.length);
    for (const [i, item] of data.entries()) {
      const at = typeof item.index === 'number' ? item.index : i;
      if (Array.isArray(item.embedding) && item.embedding.every((x) => typeof x === 'number' && Number.isFinite(x)) && at >= 0 && at < input.length)
        out[at] = item.embedding as number[];
    }
    // A loop, not some(): some() skips the holes of a sparse array.
    let complete = true;
    for (let i = 0; i < input.length; i++) if (out[i] === undefined) complete = false;
    if (!complete)
      throw new EmbedderError('The embeddings endpoint answered without one embedding per input.', false);
    return out;
  };
  return {
    kind: 'openai',
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += settings.openaiBatchSize) out.push(...(await embedBatch(texts.slice(i, i + settings.openaiBatchSize), signal)));
      return out;
    },
  };
}
