/**
 * The `onAskRequest` hook (docs/ai.md, docs/hooks.md) from a real hook file, loaded as
 * `galley serve` loads galley_hooks/, on both engines: it changes the passages, the
 * messages and the model call, answers itself, or refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type Engine, type TestGalley } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { expectErrorBody } from './support/errors.js';
import { answerFor, startChatServer, type ChatServer } from './support/openai-chat-server.js';
import { DIMS, KEY, lastSources, parseSse, seed, askClient } from './support/ask-fixture.js';

const HOOK = `
import { ApiError, type GalleyApp } from 'galley';

export default (app: GalleyApp) => {
  app.onAskRequest('docs', async (e) => {
    if (e.question.startsWith('drop beta')) e.passages = e.passages.filter((p) => !p.text.startsWith('beta'));
    if (e.question.startsWith('retune')) {
      e.model.name = 'echo-tuned';
      e.model.maxOutputTokens = 7;
      e.messages.push({ role: 'user', content: 'Answer in one line. asked by ' + (e.auth.record?.email ?? 'a guest') });
    }
    if (e.question.startsWith('canned')) {
      e.answer = 'A canned answer from ' + e.passages.length + ' passages.';
      return;
    }
    if (e.question.startsWith('refuse')) throw new ApiError(403, 'Questions about that are refused.');
    if (e.question.startsWith('silent')) return;
    await e.next();
    if (e.question.startsWith('shout') && !e.stream) e.answer = e.answer!.toUpperCase();
  });
};
`;

describe.each(ENGINES)('the onAskRequest hook on %s', (engine: Engine) => {
  let t: TestApp;
  let server: ChatServer;
  let hooksDir: string;
  const { ask, askJson } = askClient(() => t.url);

  beforeAll(async () => {
    server = await startChatServer(DIMS);
    hooksDir = mkdtempSync(join(tmpdir(), 'galley-ask-hooks-'));
    writeFileSync(join(hooksDir, 'ask.ts'), HOOK);
    t = await startApp(engine, undefined, { hooksDir });
    await t.admin.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'emb' }, ai: { chatUrl: server.url, chatModel: 'echo', chatApiKey: KEY } });
    await seed(t.admin as TestGalley['admin'], t.url);
  }, 60_000);
  afterAll(async () => { await t?.close(); await server?.stop(); rmSync(hooksDir, { recursive: true, force: true }); });

  it('changes the passages: the prompt and the citations follow', async () => {
    const res = await askJson({ question: 'drop beta: which tea?' });
    expect(res.citations.map((c) => c.text.split(' ')[0])).toEqual(['alpha', 'delta']);
    expect(res.answer).toBe('Seen: [1] alpha [2] delta');
    expect(lastSources(server)).not.toContain('beta');
  });

  it('changes the messages and the model call', async () => {
    const token = (await t.client().collection('users').authWithPassword('bob@example.com', 'a-password-1')).token;
    const res = await askJson({ question: 'retune: which tea?' }, token);
    const sent = server.chats.at(-1)!.body;
    expect(sent.model).toBe('echo-tuned');
    expect(sent.max_tokens).toBe(7);
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'Answer in one line. asked by bob@example.com' });
    expect(res.model).toBe('echo-tuned-0001');
    const shout = await askJson({ question: 'shout: tea' });
    expect(shout.answer).toBe(answerFor(server.chats.at(-1)!.body.messages).toUpperCase());
    expect(shout.answer).toMatch(/^SEEN: \[1\] [A-Z]+ \[2\]/);
  });

  it('answers itself without the model, or refuses', async () => {
    const chats = server.chats.length;
    const res = await askJson({ question: 'canned: tea' });
    expect(res).toMatchObject({ answer: 'A canned answer from 3 passages.', model: 'echo', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
    expect(res.citations).toHaveLength(3);
    const events = parseSse(await (await ask({ question: 'canned: tea', stream: true })).text());
    expect(events.map((e) => e.event)).toEqual(['citations', 'delta', 'done']);
    expect(events[1]!.data).toEqual({ text: 'A canned answer from 3 passages.' });
    let err = await expectErrorBody(await ask({ question: 'refuse: tea' }), 403);
    expect(err.message).toBe('Questions about that are refused.');
    err = await expectErrorBody(await ask({ question: 'refuse: tea', stream: true }), 403);
    err = await expectErrorBody(await ask({ question: 'silent: tea' }), 403);
    expect(err.message).toBe('The ask request was refused.');
    expect(server.chats.length).toBe(chats);
  });
});
