/**
 * The `embeddings` settings section (docs/ai.md): how vector fields with an embedder
 * turn text into vectors. `local` needs nothing (a model inside an npm package, in a
 * worker thread); `openai` is any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI,
 * Ollama, llama.cpp's server, vLLM). The API key is write-only, as SMTP's password:
 * never shown, kept when a PATCH omits it.
 */
import { fieldError, type ErrorData } from '../errors.js';
import { endpointUrlError, intIn, mergeFlat, type SettingsSection } from './settings-section.js';

export interface EmbeddingsSettings {
  [key: string]: string | number | boolean;
  /** The endpoint's base URL, up to and including /v1 (`/embeddings` is appended). */
  openaiUrl: string;
  openaiModel: string;
  openaiApiKey: string;
  /** Asked of the model (`dimensions` in the request) when > 0; 0 sends none. */
  openaiDimensions: number;
  /** Texts per request. */
  openaiBatchSize: number;
  /** Per request, in milliseconds. */
  openaiTimeoutMs: number;
}

const defaults = (): EmbeddingsSettings => ({
  openaiUrl: 'https://api.openai.com/v1',
  openaiModel: 'text-embedding-3-small',
  openaiApiKey: '',
  openaiDimensions: 0,
  openaiBatchSize: 64,
  openaiTimeoutMs: 30_000,
});

export const embeddingsSection: SettingsSection<EmbeddingsSettings> = {
  name: 'embeddings',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    const urlError = endpointUrlError(v.openaiUrl, 'openaiApiKey');
    if (urlError) errors.openaiUrl = urlError;
    if (v.openaiModel.length > 255) errors.openaiModel = fieldError('validation_length_too_long', 'The length must be no more than 255.');
    if (!intIn(v.openaiDimensions, 0, 4096)) errors.openaiDimensions = fieldError('validation_invalid_value', 'Must be an integer from 0 to 4096.');
    if (!intIn(v.openaiBatchSize, 1, 2048)) errors.openaiBatchSize = fieldError('validation_invalid_value', 'Must be an integer from 1 to 2048.');
    if (!intIn(v.openaiTimeoutMs, 100, 600_000)) errors.openaiTimeoutMs = fieldError('validation_invalid_value', 'Must be an integer from 100 to 600000.');
    return errors;
  },
  toPublic: ({ openaiApiKey: _secret, ...shown }) => shown,
};
