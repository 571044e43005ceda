/**
 * A small server on 127.0.0.1 that speaks OpenAI's wire format for both endpoints an
 * ask uses: `POST /v1/embeddings` (a text's vector is its words hashed into buckets,
 * as test/support/openai-server.ts) and `POST /v1/chat/completions`, JSON or streamed
 * as OpenAI streams (`chat.completion.chunk` objects, a finish chunk, the usage chunk
 * when `stream_options.include_usage`, then `data: [DONE]`).
 *
 * It answers deterministically from the prompt it receives: "Seen: " and, for each
 * `<source n="i">` block of the user message, `[i] ` and the block's first word — so a
 * test knows exactly which passages reached the model. Usage: prompt tokens = words of
 * all messages, completion tokens = words of the answer. Every request is recorded
 * (body, Authorization header, whether the client went away). Model names fail on
 * demand: "fail-429", "fail-401" (echoing a masked key, as OpenAI does), "fail-500",
 * "leak-500" (a 500 quoting the Authorization header), "malformed" (200, not JSON), "bad-stream" (a data line that is not JSON), "cut-stream"
 * (ends before [DONE]), "error-stream" (an error event after the first piece), "no-usage" (streams without the usage chunk), "slow" (answers
 * only when released), "hang" (never answers).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wordVector } from './openai-server.js';

export interface ChatCall {
  authorization?: string;
  body: { model: string; messages: { role: string; content: string }[]; max_tokens?: number; temperature?: number; stream?: boolean; stream_options?: { include_usage?: boolean } };
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
}

export interface ChatServer {
  url: string;
  chats: ChatCall[];
  embeddings: number;
  /** Resolves when a "slow" call arrives; release() answers it. */
  nextSlow(): Promise<{ call: ChatCall; release(): void; closed: Promise<void> }>;
  stop(): Promise<void>;
}

const words = (s: string) => (s.match(/\S+/g) ?? []).length;

/** "Seen: [1] alpha [2] beta", from the <source n="i"> blocks the prompt quotes. */
export function answerFor(messages: { role: string; content: string }[]): string {
  const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const seen = [...user.matchAll(/<source n="(\d+)">\n(\S*)/g)].map((m) => `[${m[1]}] ${m[2]}`);
  return `Seen: ${seen.join(' ') || 'nothing'}`;
}

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (c: Buffer) => { body += c.toString(); });
  req.on('end', () => resolve(body));
});

export async function startChatServer(dimensions = 8): Promise<ChatServer> {
  const chats: ChatCall[] = [];
  let embeddings = 0;
  const slowWaiters: ((s: { call: ChatCall; release(): void; closed: Promise<void> }) => void)[] = [];
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      embeddings++;
      const body = JSON.parse(raw) as { model: string; input: string | string[] };
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      return json(res, 200, { object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: wordVector(t, dimensions) })), model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
    const call: ChatCall = { authorization: req.headers.authorization, body: JSON.parse(raw) as ChatCall['body'], aborted: false };
    chats.push(call);
    const closed = new Promise<void>((resolve) => res.on('close', () => { if (!res.writableFinished) call.aborted = true; resolve(); }));
    const { model, messages, stream } = call.body;
    if (model === 'fail-429') return json(res, 429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } });
    if (model === 'fail-401') return json(res, 401, { error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7, 10)}***${String(req.headers.authorization).slice(-4)}.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    // A careless server quoting the whole Authorization header in its message.
    if (model === 'leak-500') return json(res, 500, { error: { message: `Upstream refused ${String(req.headers.authorization)} for this model`, type: 'server_error' } });
    if (model === 'fail-500') return json(res, 500, { error: { message: 'The server had an error while processing your request.', type: 'server_error' } });
    if (model === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('<html>oops</html>');
    }
    if (model === 'hang') return closed;
    if (model === 'slow') {
      await new Promise<void>((release) => { const w = slowWaiters.shift(); if (w) w({ call, release, closed }); else release(); });
      if (res.destroyed) return;
    }
    const answer = answerFor(messages);
    const promptTokens = messages.reduce((n, m) => n + words(m.content), 0);
    const usage = { prompt_tokens: promptTokens, completion_tokens: words(answer), total_tokens: promptTokens + words(answer) };
    const id = 'chatcmpl-test';
    const created = Math.floor(Date.now() / 1000);
    if (!stream) {
      return json(res, 200, {
        id, object: 'chat.completion', created, model: `${model}-0001`, system_fingerprint: 'fp_test',
        choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const withUsage = call.body.stream_options?.include_usage === true && model !== 'no-usage';
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: `${model}-0001`, system_fingerprint: 'fp_test', choices, ...(withUsage ? { usage: null } : {}), ...extra })}\n\n`);
    chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]);
    // Pieces of a few characters, as a model's tokens.
    for (const piece of answer.match(/.{1,4}/gs) ?? []) {
      chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]);
      if (model === 'bad-stream') { res.write('data: {"choices": [\n\n'); return res.end(); }
      if (model === 'cut-stream') return res.end();
      if (model === 'error-stream') { res.write('data: {"error": {"message": "The server is overloaded", "type": "server_error"}}\n\n'); return res.end(); }
    }
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    if (withUsage) chunk([], { usage });
    res.write('data: [DONE]\n\n');
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    chats,
    get embeddings() { return embeddings; },
    nextSlow: () => new Promise((resolve) => slowWaiters.push(resolve)),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
