/**
 * The chat model behind any OpenAI-compatible `POST {chatUrl}/chat/completions`
 * (OpenAI, Ollama, llama.cpp's server, vLLM, LM Studio): a JSON answer, or with
 * `stream: true` Server-Sent Events (`data: {chunk}` lines ending in `data: [DONE]`),
 * usage asked for with `stream_options.include_usage` and read from the final chunk.
 * Errors become ApiErrors: a timeout 504, the model's 429 a 429, a rejected key 502
 * (its message never quotes the key), any other failure or a malformed answer 502.
 */
import { ApiError } from '../core/errors.js';
import type { AiSettings } from '../core/settings/ai-settings.js';
import { endpointMessage, endpointUrl, OutboundError, postJson, type OutboundCall } from '../core/openai-fetch.js';
import { ChatAborted, NO_USAGE, type ChatModel, type ChatRequest, type ChatUsage } from './chat-model.js';

const NAME = 'The chat model';

interface Choice { message?: { content?: unknown }; delta?: { content?: unknown }; finish_reason?: unknown }
interface Completion {
  model?: unknown;
  choices?: Choice[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown } | null;
  error?: { message?: unknown };
}

export function openaiChat(settings: AiSettings): ChatModel {
  const url = endpointUrl(settings.chatUrl, 'chat/completions');
  const call = async (request: ChatRequest, stream: boolean): Promise<OutboundCall> => {
    const body = {
      model: request.model,
      messages: request.messages,
      max_tokens: request.maxOutputTokens,
      temperature: request.temperature,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    let out: OutboundCall;
    try {
      out = await postJson(url, body, { apiKey: settings.chatApiKey, timeoutMs: settings.chatTimeoutMs, signal: request.signal, name: NAME });
    } catch (err) {
      throw toApiError(err);
    }
    if (!out.response.ok) {
      const answer = await out.response.json().catch(() => undefined);
      throw statusError(out.response.status, endpointMessage(answer, settings.chatApiKey));
    }
    return out;
  };

  /** A JSON completion: the answer of a non-streamed call, or of a server that ignored `stream`. */
  const readCompletion = async ({ response, failure }: OutboundCall, request: ChatRequest) => {
    let body: Completion;
    try {
      body = (await response.json()) as Completion;
    } catch (err) {
      throw toApiError(err instanceof SyntaxError ? malformed('not JSON') : failure(err));
    }
    const content = body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw malformed('no choices[0].message.content');
    return { text: content, model: modelOf(body, request), usage: usageOf(body.usage) };
  };

  return {
    complete: async (request) => readCompletion(await call(request, false), request),

    async stream(request, onDelta) {
      const out = await call(request, true);
      const { response, failure } = out;
      if (!/^text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        const answer = await readCompletion(out, request);
        if (answer.text) onDelta(answer.text);
        return answer;
      }
      if (!response.body) throw malformed('no body');
      let text = '';
      let model = request.model;
      let usage = NO_USAGE;
      let done = false;
      let finished = false;
      const onData = (data: string) => {
        if (data === '[DONE]') {
          done = true;
          return;
        }
        let chunk: Completion;
        try {
          chunk = JSON.parse(data) as Completion;
        } catch {
          throw malformed('a data line is not JSON');
        }
        if (chunk.error) throw new ApiError(502, `${NAME} failed while answering: ${endpointMessage(chunk, settings.chatApiKey) || 'an error event'}`);
        if (typeof chunk.model === 'string' && chunk.model) model = chunk.model;
        if (chunk.usage) usage = usageOf(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) return; // the final usage chunk has no choices
        if (choice.finish_reason) finished = true;
        const delta = choice.delta?.content;
        if (typeof delta === 'string' && delta !== '') {
          text += delta;
          onDelta(delta);
        }
      };
      try {
        await readEvents(response.body, onData, () => done);
      } catch (err) {
        throw err instanceof ApiError ? err : toApiError(failure(err));
      }
      // OpenAI-compatible servers end with a finish_reason and [DONE]; a stream with neither was cut off mid-answer.
      if (!done && !finished) throw malformed('the stream ended before the answer did');
      return { text, model, usage };
    },
  };
}

/** Calls onData with each event's data (lines after `data:`), until the stream ends or stop() says so. */
async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: string) => void, stop: () => boolean): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(buffer[nl] === '\r' ? nl + 2 : nl + 1);
        if (line === '') {
          // A blank line ends an event.
          if (data.length) onData(data.join('\n'));
          data = [];
          if (stop()) return;
        } else if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
        // Comments (":"), `event:` and `id:` lines carry nothing an answer needs.
      }
      if (done) {
        if (buffer.startsWith('data:')) data.push(buffer.slice(buffer[5] === ' ' ? 6 : 5));
        if (data.length) onData(data.join('\n'));
        return;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

function usageOf(u: Completion['usage']): ChatUsage {
  if (!u) return NO_USAGE;
  const promptTokens = num(u.prompt_tokens);
  const completionTokens = num(u.completion_tokens);
  return { promptTokens, completionTokens, totalTokens: num(u.total_tokens) || promptTokens + completionTokens };
}

const modelOf = (body: Completion, request: ChatRequest) => (typeof body.model === 'string' && body.model ? body.model : request.model);

const malformed = (what: string) => new ApiError(502, `${NAME}'s answer was malformed (${what}).`);

function statusError(status: number, detail: string): ApiError {
  const said = detail ? `: ${detail}` : '';
  if (status === 429) return new ApiError(429, `${NAME} is rate limited (429)${said}`);
  // Its own message may quote part of the key: not repeated.
  if (status === 401 || status === 403) return new ApiError(502, 'The chat model rejected the API key.');
  return new ApiError(502, `${NAME} failed (it answered ${status})${said}`);
}

function toApiError(err: unknown): Error {
  if (err instanceof ApiError) return err;
  if (err instanceof OutboundError) {
    if (err.reason === 'aborted') return new ChatAborted();
    return new ApiError(err.reason === 'timeout' ? 504 : 502, err.message);
  }
  return new ApiError(502, `${NAME} failed.`);
}
