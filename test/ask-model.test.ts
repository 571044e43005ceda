/**
 * The ask endpoint's model side (docs/ai.md, "Answers") on both engines, against an
 * OpenAI-wire server on 127.0.0.1 (test/support/openai-chat-server.ts): the event
 * stream's order, client disconnects cancelling the model call, no database connection
 * held while the model writes (a PostgreSQL pool of one), each model error as a clear
 * API error without the key, the write-only key, the limits, the metrics and the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type Engine, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { startChatServer, type ChatServer } from './support/openai-chat-server.js';
import { DIMS, KEY, lastSources, seed, askClient } from './support/ask-fixture.js';

describe.each(ENGINES)('ask on %s', (engine: Engine) => {
  let g: TestGalley;
  let server: ChatServer;
  let ids: Record<string, string>;

  const { ask, askJson, askStream } = askClient(() => g.url);
  const setAi = (ai: Record<string, unknown>) => g.admin.settings.update({ ai });
  /** The sources part of the last prompt (the question follows it). */
  const lastPrompt = () => lastSources(server);
  const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0];

  beforeAll(async () => {
    server = await startChatServer(DIMS);
    // A pool of one connection on PostgreSQL: an ask holding it while the model writes would stall every other request.
    g = await startGalley(engine, engine === 'postgres' ? { dbPoolSize: 1 } : {});
    await g.admin.settings.update({
      embeddings: { openaiUrl: server.url, openaiModel: 'emb' },
      ai: { chatUrl: server.url, chatModel: 'echo', chatApiKey: KEY },
    });
    ids = await seed(g.admin, g.url);
  }, 60_000);
  afterAll(async () => { await g?.close(); await server?.stop(); });

  it('streams citations, then the text in deltas, then done with the model and usage', async () => {
    const whole = await askJson({ question: 'black tea' });
    const events = await askStream({ question: 'black tea' });
    expect(events[0]!.event).toBe('citations');
    expect(events[0]!.data).toEqual({ citations: whole.citations });
    expect(events.at(-1)!.event).toBe('done');
    expect(events.at(-1)!.data).toEqual({ model: 'echo-0001', usage: whole.usage });
    const deltas = events.slice(1, -1);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.every((e) => e.event === 'delta')).toBe(true);
    expect(deltas.map((e) => e.data.text).join('')).toBe(whole.answer);
    // Usage was asked for; an endpoint that does not send it gives zeros.
    expect(server.chats.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    await setAi({ chatModel: 'no-usage' });
    try {
      const bare = await askStream({ question: 'black tea' });
      expect(bare.at(-1)).toEqual({ event: 'done', data: { model: 'no-usage-0001', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } } });
    } finally {
      await setAi({ chatModel: 'echo' });
    }
  });

  it('cancels the model call when the client goes away (JSON and streamed)', async () => {
    await setAi({ chatModel: 'slow' });
    try {
      for (const stream of [false, true]) {
        const slow = server.nextSlow();
        const controller = new AbortController();
        const pending = ask({ question: 'tea', stream }, undefined, controller.signal).then((r) => r.text()).catch(() => 'aborted');
        const { call, closed } = await slow;
        controller.abort();
        await closed;
        expect(call.aborted).toBe(true);
        expect(await pending).toBe('aborted');
      }
    } finally {
      await setAi({ chatModel: 'echo' });
    }
  });

  it('holds no database connection while the model writes', async () => {
    await setAi({ chatModel: 'slow' });
    try {
      const slow = server.nextSlow();
      const pending = askJson({ question: 'tea' });
      const { release } = await slow;
      // On PostgreSQL the pool has one connection: these would wait for the ask if it held it.
      const list = await g.admin.collection('docs').getList(1, 10);
      expect(list.totalItems).toBe(4);
      const made = await g.admin.collection('users').create({ email: 'carol@example.com', password: 'a-password-1', passwordConfirm: 'a-password-1' });
      await g.admin.collection('users').delete(made.id);
      release();
      expect((await pending).citations).toHaveLength(3);
    } finally {
      await setAi({ chatModel: 'echo' });
    }
  });

  it('maps each model error to a clear API error, never quoting the key', async () => {
    const cases: [string, number, RegExp][] = [
      ['fail-429', 429, /^The chat model is rate limited \(429\): Rate limit reached/],
      ['fail-401', 502, /^The chat model rejected the API key\.$/],
      ['fail-500', 502, /^The chat model failed \(it answered 500\): The server had an error/],
      ['malformed', 502, /^The chat model's answer was malformed/],
      ['leak-500', 502, /^The chat model failed \(it answered 500\): Upstream refused Bearer \[redacted\] for this model\.$/],
    ];
    try {
      for (const [model, status, message] of cases) {
        await setAi({ chatModel: model });
        const res = await ask({ question: 'tea' });
        const raw = await res.clone().text();
        const err = await expectErrorBody(res, status);
        expect(err.message).toMatch(message);
        expect(raw).not.toContain(KEY);
        expect(raw).not.toContain(KEY.slice(-4));
        // Streamed: the citations went out first, so the failure is an error event.
        const events = await askStream({ question: 'tea' });
        expect(events.map((e) => e.event)).toEqual(['citations', 'error']);
        expect(events[1]!.data).toEqual({ status, message: err.message });
        expect(JSON.stringify(events)).not.toContain(KEY.slice(-4));
      }
      for (const model of ['bad-stream', 'cut-stream']) {
        await setAi({ chatModel: model });
        const events = await askStream({ question: 'tea' });
        expect(events[0]!.event).toBe('citations');
        expect(events.at(-1)).toEqual({ event: 'error', data: { status: 502, message: expect.stringMatching(/^The chat model's answer was malformed/) } });
      }
      await setAi({ chatModel: 'error-stream' });
      const failed = await askStream({ question: 'tea' });
      expect(failed.map((e) => e.event)).toEqual(['citations', 'delta', 'error']);
      expect(failed.at(-1)!.data).toEqual({ status: 502, message: 'The chat model failed while answering: The server is overloaded.' });
      await setAi({ chatModel: 'hang', chatTimeoutMs: 300 });
      const err = await expectErrorBody(await ask({ question: 'tea' }), 504);
      expect(err.message).toBe('The chat model did not answer within 300 ms.');
      await setAi({ chatUrl: 'http://127.0.0.1:9/v1' });
      expect((await expectErrorBody(await ask({ question: 'tea' }), 502)).message).toMatch(/could not be reached/);
    } finally {
      await setAi({ chatModel: 'echo', chatTimeoutMs: 60_000, chatUrl: server.url });
    }
  });

  it('keeps the API key write-only, and checks the settings', async () => {
    const shown = (await g.admin.settings.getAll()).ai;
    expect(shown).toMatchObject({ chatUrl: server.url, chatModel: 'echo', maxOutputTokens: 512, maxContextChars: 12000, maxQuestionLength: 2000 });
    expect(shown).not.toHaveProperty('chatApiKey');
    expect(JSON.stringify(await g.admin.settings.getAll())).not.toContain(KEY);
    await askJson({ question: 'tea' });
    expect(server.chats.at(-1)!.authorization).toBe(`Bearer ${KEY}`); // kept by the PATCHes that omitted it
    const res = await g.fetch('/api/settings', {
      method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ai: { chatUrl: 'ftp://x', temperature: 3, maxOutputTokens: 0, chatApiKey: 'sk-other-key' } }),
    });
    const err = await expectErrorBody(res, 400);
    expect(Object.keys(err.data.ai).sort()).toEqual(['chatUrl', 'maxOutputTokens', 'temperature']);
    expect(JSON.stringify(err)).not.toContain('sk-other-key');
    await askJson({ question: 'tea' });
    expect(server.chats.at(-1)!.authorization).toBe(`Bearer ${KEY}`); // the refused PATCH changed nothing
  });

  it('limits the question, the context and the output tokens', async () => {
    await setAi({ maxQuestionLength: 20, maxContextChars: 70, maxOutputTokens: 33 });
    try {
      const chats = server.chats.length;
      let err = await expectErrorBody(await ask({ question: 'x'.repeat(21) }), 400);
      expect(err.data.question.code).toBe('validation_length_too_long');
      err = await expectErrorBody(await ask({ question: '  ' }), 400);
      expect(err.data.question.code).toBe('validation_required');
      err = await expectErrorBody(await ask({ question: 'tea', k: 51, stream: 'yes' }), 400);
      expect(Object.keys(err.data).sort()).toEqual(['k', 'stream']);
      err = await expectErrorBody(await ask({ question: 'tea', field: 'body' }), 400);
      expect(err.data.field.code).toBe('validation_invalid_field');
      await expectErrorBody(await g.fetch('/api/collections/nope/ask', { method: 'POST', body: '{"question":"tea"}', headers: { 'content-type': 'application/json' } }), 404);
      expect(server.chats.length).toBe(chats); // none of these reached the model
      // Two 31-32 character passages fit in 70 characters, a third does not.
      const res = await askJson({ question: 'steamed tea?' });
      expect(res.citations.map((c) => name(c.recordId))).toEqual(['alpha', 'beta']);
      expect(lastPrompt()).not.toContain('delta');
      expect(server.chats.at(-1)!.body.max_tokens).toBe(33);
    } finally {
      await setAi({ maxQuestionLength: 2000, maxContextChars: 12000, maxOutputTokens: 512 });
    }
  });

  it('has its own rate-limit tag: `docs:ask` limits asks, not searches', async () => {
    await g.admin.settings.update({ rateLimits: { enabled: true, rules: [{ label: 'docs:ask', audience: '@guest', duration: 60, maxRequests: 2 }] } });
    try {
      const chats = server.chats.length;
      expect((await ask({ question: 'tea' })).status).toBe(200);
      expect((await ask({ question: 'tea' })).status).toBe(200);
      await expectErrorBody(await ask({ question: 'tea' }), 429);
      expect(server.chats.length).toBe(chats + 2);
      const search = await g.fetch('/api/collections/docs/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ field: 'emb', text: 'tea' }) });
      expect(search.status).toBe(200);
      expect((await ask({ question: 'tea' }, g.admin.authStore.token)).status).toBe(200); // not a guest
    } finally {
      await g.admin.settings.update({ rateLimits: { enabled: false } });
    }
  });

  it('counts tokens and asks in the metrics and logs one line per ask without the question', async () => {
    const metric = async (line: RegExp) => {
      const text = await (await g.fetch('/api/metrics', { token: g.admin.authStore.token })).text();
      const m = line.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const prompt = /^galley_ai_tokens_total\{kind="prompt"\} (\d+)$/m;
    const completion = /^galley_ai_tokens_total\{kind="completion"\} (\d+)$/m;
    const ok = /^galley_ai_requests_total\{outcome="ok"\} (\d+)$/m;
    const failed = /^galley_ai_requests_total\{outcome="error"\} (\d+)$/m;
    const before = [await metric(prompt), await metric(completion), await metric(ok), await metric(failed)];
    const res = await askJson({ question: 'unique-question-marker tea' });
    await setAi({ chatModel: 'fail-500' });
    await ask({ question: 'tea' });
    await setAi({ chatModel: 'echo' });
    expect(await metric(prompt)).toBe(before[0]! + res.usage.promptTokens);
    expect(await metric(completion)).toBe(before[1]! + res.usage.completionTokens);
    expect(await metric(ok)).toBe(before[2]! + 1);
    expect(await metric(failed)).toBe(before[3]! + 1);
    await g.core.logs.flush();
    const lines = (await g.admin.logs.getList(1, 50, { filter: 'message = "ask" || message = "ask failed"', sort: '-created' })).items as unknown as { message: string; level: number; data: Record<string, unknown> }[];
    const line = lines.find((l) => l.message === 'ask' && l.data.totalTokens === res.usage.totalTokens)!;
    expect(line.level).toBe(0);
    expect(line.data).toMatchObject({ collection: 'docs', model: 'echo-0001', outcome: 'ok', promptTokens: res.usage.promptTokens, completionTokens: res.usage.completionTokens });
    expect(typeof line.data.durationMs).toBe('number');
    expect(lines.find((l) => l.message === 'ask failed')!.data).toMatchObject({ collection: 'docs', status: 502, outcome: 'error' });
    expect(JSON.stringify(lines)).not.toContain('unique-question-marker');
    expect(JSON.stringify(lines)).not.toContain(KEY);
  });
});
