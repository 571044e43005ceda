/**
 * A small server on 127.0.0.1 that speaks OpenAI's embeddings wire format
 * (`POST /v1/embeddings` → `{object: "list", data: [{object: "embedding", index,
 * embedding}], model, usage}`) and answers deterministically: each text's vector is a
 * bag of its words hashed into `dimensions` buckets, L2-normalised, so texts that share
 * words are near. It records every request (to check keys and batching) and fails on
 * demand: model "fail-500" → 500, "fail-401" → 401 with OpenAI's error body, "echo-key" → 401 quoting the key, "short"
 * → one embedding too few.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbeddingsRequest { authorization?: string; model: string; input: string[]; dimensions?: number }

export interface OpenAiServer {
  url: string;
  requests: EmbeddingsRequest[];
  stop(): Promise<void>;
}

export function wordVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261;
    for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    v[h % dimensions]! += 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (c: Buffer) => { body += c.toString(); });
  req.on('end', () => resolve(body));
});

export async function startOpenAiServer(defaultDimensions = 8): Promise<OpenAiServer> {
  const requests: EmbeddingsRequest[] = [];
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return send(404, { error: { message: 'not found', type: 'invalid_request_error' } });
    const body = JSON.parse(await readBody(req)) as { model: string; input: string | string[]; dimensions?: number };
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    requests.push({ authorization: req.headers.authorization, model: body.model, input, ...(body.dimensions ? { dimensions: body.dimensions } : {}) });
    if (body.model === 'fail-500') return send(500, { error: { message: 'The server had an error', type: 'server_error' } });
    if (body.model === 'fail-401') return send(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    // Some servers quote the key they were given in their error.
    if (body.model === 'echo-key') return send(401, { error: { message: `Incorrect API key provided: ${String(req.headers.authorization).replace(/^Bearer /, '')}`, type: 'invalid_request_error' } });
    const dims = body.dimensions ?? defaultDimensions;
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: wordVector(text, dims) }));
    // Answers in reverse order: clients must place each embedding by its index.
    data.reverse();
    if (body.model === 'short') data.pop();
    send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: input.length, total_tokens: input.length } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
