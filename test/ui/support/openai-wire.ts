/**
 * A small server on 127.0.0.1 for the dashboard's AI tests that follows OpenAI's wire
 * protocol for both endpoints Galley calls: `POST /v1/embeddings` (each text's vector is
 * the word-hash bag of test/support/openai-server.ts, so texts sharing words are near)
 * and `POST /v1/chat/completions`, plain or streamed (`chat.completion.chunk` events,
 * the usage chunk when `stream_options.include_usage`, then `data: [DONE]`). The chat
 * answer is deterministic: "Found" followed by every `code-…` word of the prompt, so a
 * test sees which passages reached the model. `hold('embeddings')` makes embeddings
 * requests wait, `hold('chat')` streamed answers after their first delta, until
 * released, so a test can watch pending work and a half-streamed answer.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wordVector } from '../../support/openai-server.js';

export interface ChatRequest { authorization?: string; model: string; stream: boolean; prompt: string }

export interface OpenAiWire {
  url: string;
  embeddingKeys: (string | undefined)[];
  chats: ChatRequest[];
  /** Streamed answers whose connection Galley closed before the answer ended (a cancelled model call). */
  readonly cancelledChats: number;
  /** Holds embeddings requests, or streamed answers after their first delta, until the returned release() is called. */
  hold(what: 'embeddings' | 'chat'): () => void;
  stop(): Promise<void>;
}

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (c: Buffer) => { body += c.toString(); });
  req.on('end', () => resolve(body));
});

export async function startOpenAiWire(dimensions: number): Promise<OpenAiWire> {
  const embeddingKeys: (string | undefined)[] = [];
  const chats: ChatRequest[] = [];
  let cancelledChats = 0;
  const gates = { embeddings: Promise.resolve(), chat: Promise.resolve() };
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      embeddingKeys.push(req.headers.authorization);
      await gates.embeddings;
      const input = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
      return send(200, {
        object: 'list', model: body.model,
        // A text saying "wrong-size" gets one number too many: Galley marks that record failed.
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: wordVector(text, dimensions + (text.includes('wrong-size') ? 1 : 0)) })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      });
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(404, { error: { message: 'not found', type: 'invalid_request_error' } });
    const messages = (body.messages ?? []) as { role: string; content: string }[];
    const prompt = messages.map((m) => `${m.role}: ${m.content}`).join('\n');
    const stream = body.stream === true;
    chats.push({ authorization: req.headers.authorization, model: String(body.model), stream, prompt });
    const codes = [...new Set(prompt.match(/\bcode-[a-z0-9]+\b/g) ?? [])].sort();
    const parts = ['Found', ...codes.map((c) => ` ${c}`), '.'];
    const usage = { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: parts.length, total_tokens: Math.ceil(prompt.length / 4) + parts.length };
    const base = { id: 'chatcmpl-test', created: Math.floor(Date.now() / 1000), model: String(body.model) };
    if (!stream) {
      return send(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: parts.join('') }, finish_reason: 'stop' }], usage });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.on('close', () => { if (!res.writableEnded) cancelledChats++; });
    const chunk = (choices: unknown[], extra: object = {}) => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`);
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    chunk([{ index: 0, delta: { content: parts[0] }, finish_reason: null }]);
    await gates.chat;
    if (res.destroyed) return;
    for (const p of parts.slice(1)) chunk([{ index: 0, delta: { content: p }, finish_reason: null }]);
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) chunk([], { usage });
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    embeddingKeys,
    chats,
    get cancelledChats() { return cancelledChats; },
    hold(what) {
      let release!: () => void;
      gates[what] = new Promise<void>((resolve) => { release = resolve; });
      return release;
    },
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
