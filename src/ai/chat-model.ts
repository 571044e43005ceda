/**
 * A chat model: what the ask endpoint calls to turn a prompt into an answer
 * (docs/ai.md, "Answers"). One implementation today, any OpenAI-compatible
 * `/v1/chat/completions` (openai-chat.ts); a second kind is one more module.
 * Failures are ApiErrors with a message safe to show a client.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  temperature: number;
  /** Cancels the call (a client that went away). */
  signal?: AbortSignal;
}

export interface ChatAnswer {
  text: string;
  /** The model that answered, as the endpoint names it. */
  model: string;
  /** Zeros when the endpoint does not report usage. */
  usage: ChatUsage;
}

export interface ChatModel {
  complete(request: ChatRequest): Promise<ChatAnswer>;
  /** Streams the answer's text to onDelta as it comes; resolves with the whole answer. */
  stream(request: ChatRequest, onDelta: (text: string) => void): Promise<ChatAnswer>;
}

export const NO_USAGE: ChatUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/** Thrown when the caller's signal cancelled the call: there is no one left to answer. */
export class ChatAborted extends Error {
  constructor() {
    super('The chat model call was cancelled.');
  }
}
