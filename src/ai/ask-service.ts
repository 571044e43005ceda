/**
 * An ask (docs/ai.md, "Answers"): retrieval (the nearest passages the caller may see),
 * the prompt, the `onAskRequest` hook, then the chat model — in that order, so no
 * database connection or transaction is held while the model writes. Streamed or
 * not, the citations are the passages actually given to the model. Each ask is one
 * log line (collection, model, tokens, duration; never the question at info level)
 * and is counted in the metrics (galley_ai_requests_total, galley_ai_tokens_total).
 */
import type { Collection } from '../core/collections/collection.js';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, forbidden } from '../core/errors.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import type { AskRequestEvent, EventAuth, EventRequest } from '../hooks/events.js';
import type { AskRequest } from './ask-request.js';
import { ChatAborted, NO_USAGE, type ChatMessage, type ChatUsage } from './chat-model.js';
import { openaiChat } from './openai-chat.js';
import { buildMessages, selectContext } from './prompt.js';
import { retrievePassages, type Passage } from './retrieve-passages.js';

export interface Citation {
  /** The number the prompt gave the passage ([n]). */
  n: number;
  recordId: string;
  collectionId: string;
  /** The source text field. */
  field: string;
  start: number;
  end: number;
  page: number | null;
  text: string;
}

export interface AskAnswer {
  answer: string;
  citations: Citation[];
  model: string;
  usage: ChatUsage;
}

/** Where a streamed answer goes, as it is made. */
export interface AskStream {
  citations(citations: Citation[]): void;
  delta(text: string): void;
}

export interface AskCall {
  collection: Collection;
  request: AskRequest;
  ctx: AccessContext;
  auth: EventAuth;
  http: EventRequest;
  /** Aborted when the client goes away: cancels the model call. */
  signal: AbortSignal;
  /** Runs the retrieval (the route retries it when the schema moved underneath). */
  retrying?: <T>(work: () => Promise<T>) => Promise<T>;
}

export const citationsOf = (passages: readonly Passage[]): Citation[] =>
  passages.map((p, i) => ({ n: i + 1, recordId: p.recordId, collectionId: p.collectionId, field: p.field, start: p.start, end: p.end, page: p.page, text: p.text }));

export async function ask(core: GalleyCore, call: AskCall, stream?: AskStream): Promise<AskAnswer> {
  const started = performance.now();
  const settings = core.settings.current().ai;
  let model = settings.chatModel;
  let usage: ChatUsage = NO_USAGE;
  let outcome: 'ok' | 'error' | 'aborted' = 'error';
  let status = 200;
  let error = '';
  try {
    const { collection, request } = call;
    const retrieve = () => retrievePassages(core, collection, { source: request.source, question: request.question, k: request.k, filter: request.filter }, call.ctx);
    // Retrieval completes (its statements and connection released) before the model is called.
    const passages = selectContext(await (call.retrying ? call.retrying(retrieve) : retrieve()), settings.maxContextChars);
    const messages = buildMessages(settings.systemPrompt, request.question, passages);
    const event: AskRequestEvent = {
      app: core.app(), collection: collection.model, auth: call.auth, request: call.http,
      question: request.question, field: request.source.vector.name, passages, messages,
      model: { name: settings.chatModel, maxOutputTokens: settings.maxOutputTokens, temperature: settings.temperature },
      stream: stream !== undefined,
    };
    const built = { passages: JSON.stringify(passages), messages: JSON.stringify(messages) };
    let citations: Citation[] = [];
    let called = false;
    const callModel = async (e: AskRequestEvent) => {
      called = true;
      // Passages a handler changed, with the messages left alone: the prompt follows the passages.
      const sent: ChatMessage[] = JSON.stringify(e.messages) === built.messages && JSON.stringify(e.passages) !== built.passages
        ? buildMessages(settings.systemPrompt, e.question, e.passages)
        : e.messages;
      citations = citationsOf(e.passages);
      stream?.citations(citations);
      const chat = openaiChat(settings);
      const req = { model: e.model.name, messages: sent, maxOutputTokens: e.model.maxOutputTokens, temperature: e.model.temperature, signal: call.signal };
      const answer = stream ? await chat.stream(req, (text) => stream.delta(text)) : await chat.complete(req);
      e.answer = answer.text;
      e.usage = answer.usage;
      // Counted even if a handler throws after next(): the tokens were spent.
      usage = answer.usage;
      model = answer.model;
    };
    const hook = core.hooks.onAskRequest;
    const tags = [collection.name, collection.id];
    if (hook.isEmpty(tags)) await callModel(event);
    else await hook.trigger(event, callModel, tags);
    if (!called) {
      // A handler answered itself, or refused.
      if (typeof event.answer !== 'string') throw forbidden('The ask request was refused.');
      citations = citationsOf(event.passages);
      model = event.model.name;
      stream?.citations(citations);
      if (event.answer) stream?.delta(event.answer);
    }
    usage = event.usage ?? usage;
    outcome = 'ok';
    return { answer: event.answer ?? '', citations, model, usage };
  } catch (err) {
    if (err instanceof ChatAborted || call.signal.aborted) outcome = 'aborted';
    status = err instanceof ApiError ? err.status : 500;
    error = err instanceof ApiError || err instanceof ChatAborted ? err.message : 'unexpected error';
    throw err;
  } finally {
    core.metrics.aiRequests.inc({ outcome });
    if (usage.promptTokens) core.metrics.aiTokens.inc({ kind: 'prompt' }, usage.promptTokens);
    if (usage.completionTokens) core.metrics.aiTokens.inc({ kind: 'completion' }, usage.completionTokens);
    const line = {
      collection: call.collection.name, model, outcome, status, stream: stream !== undefined,
      promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, totalTokens: usage.totalTokens,
      durationMs: Math.round(performance.now() - started), ...(error ? { error } : {}),
    };
    if (outcome === 'error') core.logger.warn('ask failed', line);
    else core.logger.info('ask', line);
  }
}
