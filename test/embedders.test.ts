/**
 * Embedders (docs/ai.md): the same suite for each kind — `local` (Universal Sentence
 * Encoder Lite from npm, in a worker thread) and `openai` (against an OpenAI-compatible
 * server on 127.0.0.1) — then `text` searches through the API on both engines: the
 * settings section (key write-only), batching, endpoint errors as 400s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { startOpenAiServer, wordVector, type OpenAiServer } from './support/openai-server.js';
import { localEmbedder, closeLocalEmbedder } from '../src/vectors/embedders/local-embedder.js';
import { openaiEmbedder } from '../src/vectors/embedders/openai-embedder.js';
import { embeddingsSection } from '../src/core/settings/embeddings-settings.js';
import type { Embedder } from '../src/vectors/embedders/embedder.js';

const cosine = (a: number[], b: number[]) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
  return dot / Math.sqrt(na * nb);
};

let server: OpenAiServer;
beforeAll(async () => { server = await startOpenAiServer(); });
afterAll(async () => { await server.stop(); await closeLocalEmbedder(); });

const KINDS: [string, number, () => Embedder][] = [
  ['local', 512, () => localEmbedder],
  ['openai', 8, () => openaiEmbedder({ ...embeddingsSection.defaults(), openaiUrl: server.url, openaiModel: 'test', openaiBatchSize: 2 })],
];

describe.each(KINDS)('the %s embedder', (_kind, dimensions, make) => {
  it('gives one vector of its dimensions per text, in order, the same for the same text', async () => {
    const e = make();
    const texts = ['The cat sat on the mat', 'Quarterly revenue grew by ten percent', 'The cat sat on the mat'];
    const vectors = await e.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(dimensions);
      expect(v.every((x) => Number.isFinite(x))).toBe(true);
    }
    expect(vectors[2]).toEqual(vectors[0]);
    expect(vectors[1]).not.toEqual(vectors[0]);
    expect(await e.embed([])).toEqual([]);
  }, 60_000);

  it('puts similar sentences nearer than unrelated ones', async () => {
    const [cat, kitten, revenue] = await make().embed(['The cat sat on the mat', 'A cat is resting on the mat', 'Quarterly revenue grew by ten percent']);
    expect(cosine(cat!, kitten!)).toBeGreaterThan(cosine(cat!, revenue!) + 0.2);
  }, 60_000);
});

it('the local model is semantic, not lexical: a kitten on a rug is near a cat on a mat', async () => {
  const [cat, kitten, revenue, password, recover] = await localEmbedder.embed([
    'The cat sat on the mat', 'A kitten is resting on the rug', 'Quarterly revenue grew by ten percent',
    'How do I reset my password?', 'Steps to recover a forgotten login credential',
  ]);
  expect(cosine(cat!, kitten!)).toBeGreaterThan(cosine(cat!, revenue!) + 0.3);
  expect(cosine(password!, recover!)).toBeGreaterThan(cosine(password!, cat!) + 0.2);
}, 60_000);

it('the openai embedder sends the key, the model, the dimensions, in batches, and places answers by index', async () => {
  const e = openaiEmbedder({ ...embeddingsSection.defaults(), openaiUrl: `${server.url}/`, openaiModel: 'm1', openaiApiKey: 'sk-test', openaiDimensions: 6, openaiBatchSize: 2 });
  const before = server.requests.length;
  const texts = ['one', 'two', 'three', 'four', 'five'];
  const vectors = await e.embed(texts);
  expect(vectors).toEqual(texts.map((t) => wordVector(t, 6)));
  const sent = server.requests.slice(before);
  expect(sent.map((r) => r.input)).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
  expect(sent.every((r) => r.authorization === 'Bearer sk-test' && r.model === 'm1' && r.dimensions === 6)).toBe(true);
  await expect(openaiEmbedder({ ...embeddingsSection.defaults(), openaiUrl: server.url, openaiModel: 'short' }).embed(['a', 'b'])).rejects.toThrow(/one embedding per input/);
  await expect(openaiEmbedder({ ...embeddingsSection.defaults(), openaiUrl: server.url, openaiModel: 'fail-401', openaiApiKey: 'sk-secret' }).embed(['a']))
    .rejects.toThrow(/401: Incorrect API key provided/);
  const echoed = await openaiEmbedder({ ...embeddingsSection.defaults(), openaiUrl: server.url, openaiModel: 'echo-key', openaiApiKey: 'sk-secret-key-1234' }).embed(['a']).catch((e: Error) => e);
  expect((echoed as Error).message).toMatch(/401: Incorrect API key provided: \[redacted\]/);
  expect((echoed as Error).message).not.toContain('secret-key');
});

describe.each(ENGINES)('text search through the API on %s', (engine) => {
  let g: TestGalley;
  const search = (body: unknown) => g.fetch('/api/collections/notes/search', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const sentences = ['The cat sat on the mat', 'Quarterly revenue grew by ten percent', 'How do I reset my password', 'Green tea and black tea'];

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'galley-test', openaiApiKey: 'sk-kept-secret' } });
    await g.admin.collections.create({
      name: 'notes', type: 'base', listRule: '',
      fields: [
        { name: 'text', type: 'text' },
        { name: 'remote', type: 'vector', dimensions: 8, embedder: 'openai' },
        { name: 'local', type: 'vector', dimensions: 512, embedder: 'local' },
        { name: 'plain', type: 'vector', dimensions: 8 },
      ],
    });
    const locals = await localEmbedder.embed(sentences);
    for (const [i, text] of sentences.entries()) await g.admin.collection('notes').create({ text, remote: wordVector(text, 8), local: locals[i], plain: wordVector(text, 8) });
  }, 60_000);
  afterAll(() => g.close());

  it('keeps the API key write-only', async () => {
    const shown = (await g.admin.settings.getAll()).embeddings;
    expect(shown).toMatchObject({ openaiUrl: server.url, openaiModel: 'galley-test', openaiBatchSize: 64 });
    expect(shown).not.toHaveProperty('openaiApiKey');
    await g.admin.settings.update({ embeddings: { openaiBatchSize: 16 } });
    const before = server.requests.length;
    const res = await search({ field: 'remote', text: 'cat on a mat', k: 1, fields: 'text' });
    expect(res.status).toBe(200);
    expect(server.requests.slice(before).map((r) => r.authorization)).toEqual(['Bearer sk-kept-secret']);
  });

  it('embeds a text with the field\'s embedder (openai, local) and ranks by it', async () => {
    const top = async (field: string, text: string) => ((await (await search({ field, text, k: 2, fields: 'text,@distance' })).json()) as { items: { text: string }[] }).items.map((i) => i.text);
    expect((await top('remote', 'tea, green or black?'))[0]).toBe('Green tea and black tea');
    expect((await top('remote', 'revenue percent'))[0]).toBe('Quarterly revenue grew by ten percent');
    // Semantic: no word in common with the answer.
    expect((await top('local', 'A kitten is resting on the rug'))[0]).toBe('The cat sat on the mat');
    expect((await top('local', 'Steps to recover a forgotten login credential'))[0]).toBe('How do I reset my password');
  }, 60_000);

  it('answers 400 for a field without embedder, a failing endpoint or a vector of the wrong size, without the key', async () => {
    let err = await expectErrorBody(await search({ field: 'plain', text: 'cat' }), 400);
    expect(err.data.text.message).toMatch(/no embedder/);
    await g.admin.settings.update({ embeddings: { openaiModel: 'fail-401' } });
    err = await expectErrorBody(await search({ field: 'remote', text: 'cat' }), 400);
    expect(err.data.text.message).toMatch(/401: Incorrect API key provided/);
    expect(JSON.stringify(err)).not.toContain('sk-kept-secret');
    await g.admin.settings.update({ embeddings: { openaiModel: 'galley-test', openaiDimensions: 5 } });
    err = await expectErrorBody(await search({ field: 'remote', text: 'cat' }), 400);
    expect(err.data.text.message).toMatch(/does not fit the field/);
    await g.admin.settings.update({ embeddings: { openaiDimensions: 0 } });
  });

  it('checks the embedder option and the settings', async () => {
    let res = await g.fetch('/api/collections', { method: 'POST', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', type: 'base', fields: [{ name: 'v', type: 'vector', dimensions: 8, embedder: 'word2vec' }] }) });
    expect(Object.values((await expectErrorBody(res, 400)).data.fields as Record<string, Record<string, unknown>>).some((f) => 'embedder' in f)).toBe(true);
    res = await g.fetch('/api/collections', { method: 'POST', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', type: 'base', fields: [{ name: 'v', type: 'vector', dimensions: 8, embedder: 'local' }] }) });
    expect(Object.values((await expectErrorBody(res, 400)).data.fields as Record<string, Record<string, unknown>>).some((f) => 'dimensions' in f)).toBe(true);
    res = await g.fetch('/api/settings', { method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ embeddings: { openaiUrl: 'ftp://x', openaiBatchSize: 0 } }) });
    const err = await expectErrorBody(res, 400);
    expect(Object.keys(err.data.embeddings).sort()).toEqual(['openaiBatchSize', 'openaiUrl']);
  });
});
