/**
 * The ask tests' shared setup (test/ask*.test.ts): a `docs` collection whose texts are
 * embedded by chunks through the OpenAI-wire test server, users alice and bob (one text
 * only alice may read), and helpers to read an answer and an event stream.
 */
import { expect } from 'vitest';
import type { TestGalley } from './galley.js';
import type { ChatServer } from './openai-chat-server.js';

export const KEY = 'sk-ask-secret-0123456789';
/** Enough buckets that the test texts' words do not collide (rankings are then by shared words). */
export const DIMS = 64;

export interface Citation { n: number; recordId: string; collectionId: string; field: string; start: number; end: number; page: number | null; text: string }
export interface Answer { answer: string; citations: Citation[]; model: string; usage: { promptTokens: number; completionTokens: number; totalTokens: number } }
export interface SseEvent { event: string; data: any }

export const BODIES = {
  alpha: 'alpha tea: green tea is steamed',
  beta: 'beta tea: black tea is oxidised',
  delta: 'delta coffee: espresso is pressed',
  secret: 'secretgamma tea: the private tea notes of alice',
};

/** The passages part of the last prompt the model got (the question comes after it). */
export const lastSources = (server: ChatServer) => server.chats.at(-1)!.body.messages.map((m) => m.content).join('\n').split('\n\nQuestion:')[0]!;

/** The events of a whole text/event-stream body. */
export function parseSse(text: string): SseEvent[] {
  return text.split('\n\n').filter((b) => b.trim()).map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
    const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
    return { event, data: JSON.parse(data) };
  });
}

/** A docs collection, users alice and bob, four texts (one only alice may read), embedded. */
export async function seed(admin: TestGalley['admin'], url: string) {
  const users = await admin.collections.getOne('users');
  await admin.collections.create({
    name: 'docs', type: 'base', listRule: 'public = true || owner = @request.auth.id',
    fields: [
      { name: 'body', type: 'text' }, { name: 'public', type: 'bool' },
      { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
      { name: 'emb', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body' },
    ],
  });
  const ids: Record<string, string> = {};
  for (const who of ['alice', 'bob']) {
    ids[who] = (await admin.collection('users').create({ email: `${who}@example.com`, password: 'a-password-1', passwordConfirm: 'a-password-1' })).id;
  }
  for (const [name, body] of Object.entries(BODIES)) {
    ids[name] = (await admin.collection('docs').create(name === 'secret' ? { body, public: false, owner: ids.alice } : { body, public: true })).id;
  }
  // Embedded by the job queue, off the request path (expect.poll is for tests only).
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${url}/api/collections/docs/embeddings`, { headers: { authorization: admin.authStore.token } });
    if (((await res.json()) as { fields: { done: number }[] }).fields[0]!.done === 4) break;
    if (tries > 200) throw new Error('the texts were not embedded');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ids;
}

export async function tokenOf(client: TestGalley['admin'], who: string) {
  return (await client.collection('users').authWithPassword(`${who}@example.com`, 'a-password-1')).token;
}

/** The ask calls of a test, against the server at url() (read when called: servers start in beforeAll). */
export function askClient(url: () => string) {
  const ask = (body: unknown, token?: string, signal?: AbortSignal) => fetch(`${url()}/api/collections/docs/ask`, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) }, ...(signal ? { signal } : {}),
  });
  /** The answer as JSON (a 200 expected). */
  const askJson = async (body: unknown, token?: string) => {
    const res = await ask(body, token);
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  };
  /** The answer as its event stream (a 200 text/event-stream expected). */
  const askStream = async (body: Record<string, unknown>, token?: string) => {
    const res = await ask({ ...body, stream: true }, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return parseSse(await res.text());
  };
  return { ask, askJson, askStream };
}
