/**
 * The AI parts of the dashboard (issue 20 part 4), in a real browser on both engines:
 * a vector field created in the schema editor (with the server's error for a bad
 * option shown under its input), the Embeddings settings saved with a key that is
 * never shown back, the embedding progress panel following a pending record to done,
 * and the playground searching and asking as a chosen identity (impersonation), where
 * a user sees, and the model receives, only the records the list rule gives them. The
 * embeddings and chat endpoints are an OpenAI-wire server on 127.0.0.1
 * (support/openai-wire.ts). Each check reads the outcome back through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';
import { seriousViolations } from './support/axe.js';
import { startOpenAiWire, type OpenAiWire } from './support/openai-wire.js';

const DIMS = 16;

async function waitEmbedded(d: ReturnType<typeof useDashboard>, collection: string, total: number) {
  // expect.poll is for tests only; this runs in beforeAll.
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await d.g.admin.send<{ fields: { done: number }[] }>(`/api/collections/${collection}/embeddings`, {});
    if (res.fields[0]?.done === total) return;
    if (Date.now() > until) throw new Error(`embeddings of ${collection} not done: ${JSON.stringify(res)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFailed(d: ReturnType<typeof useDashboard>, collection: string, failed: number) {
  await expect.poll(async () => {
    const res = await d.g.admin.send<{ fields: { failed: number }[] }>(`/api/collections/${collection}/embeddings`, {});
    return res.fields[0]?.failed;
  }, { timeout: 15_000 }).toBe(failed);
}

/** Chooses a collection and "acts as" a readers record in the playground. */
async function actAs(page: Page, email: string) {
  await page.getByLabel('Identity').selectOption({ label: 'A record of readers' });
  await page.getByLabel('Find a record (id or email)').fill(email);
  const record = page.getByLabel('Record', { exact: true });
  await expect.poll(() => record.locator('option').allTextContents()).toEqual(['Choose…', expect.stringContaining(email)]);
  await record.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Act as this record' }).click();
  await page.getByRole('status', { name: 'Acting as' }).filter({ hasText: `${email} (readers)` }).waitFor();
}

describe.each(ENGINES)('AI dashboard on %s', (engine) => {
  const d = useDashboard(engine);
  let wire: OpenAiWire;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    wire = await startOpenAiWire(DIMS);
    await d.g.admin.settings.update({ embeddings: { openaiUrl: wire.url, openaiModel: 'm', openaiApiKey: 'sk-initial' } });
    await d.g.admin.collections.create({
      name: 'papers', type: 'base',
      fields: [{ name: 'title', type: 'text' }, { name: 'body', type: 'editor' }, { name: 'notes', type: 'text' }],
    });
    const readers = await d.g.admin.collections.create({ name: 'readers', type: 'auth', fields: [] });
    await d.g.admin.collections.create({
      name: 'notes', type: 'base', listRule: 'owner != "" && owner = @request.auth.id', viewRule: 'owner != "" && owner = @request.auth.id',
      fields: [
        { name: 'title', type: 'text' }, { name: 'body', type: 'text', searchable: true },
        { name: 'owner', type: 'relation', collectionId: readers.id, maxSelect: 1 },
        { name: 'embedding', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body' },
      ],
    });
    for (const who of ['alice', 'bob']) {
      ids[who] = (await d.g.admin.collection('readers').create({ email: `${who}@example.com`, password: 'password-123', passwordConfirm: 'password-123' })).id;
    }
    for (const [title, owner, body] of [
      ['Tides', 'alice', 'harbour tides code-a1'], ['Lights', 'alice', 'harbour lights code-a2'],
      ['Cranes', 'bob', 'harbour cranes code-b1'], ['Ferries', 'bob', 'harbour ferries code-b2'],
    ] as const) ids[title] = (await d.g.admin.collection('notes').create({ title, body, owner: ids[owner] })).id;
    await waitEmbedded(d, 'notes', 4);
  });
  afterAll(async () => { await wire?.stop(); });

  it('creates a vector field in the schema editor, with the server\'s errors under its options', async () => {
    const { page, problems } = await d.open('/collections/papers/schema');
    page.setDefaultTimeout(8000);
    await page.getByRole('heading', { name: 'Edit papers' }).waitFor();
    await page.getByLabel('New field type').selectOption({ label: 'Vector' });
    await page.getByRole('button', { name: 'Add field' }).click();
    const row = page.getByRole('group', { name: 'Field new vector field' });
    await row.getByPlaceholder('Field name').fill('embedding');
    const field = page.getByRole('group', { name: 'Field embedding' });
    // The source offers the collection's text and editor fields, once an embedder is chosen.
    expect(await field.getByLabel(/^Source field/).isDisabled()).toBe(true);
    await field.getByLabel(/^Embedder/).selectOption('openai');
    const source = field.getByLabel(/^Source field/);
    expect(await source.locator('option').allTextContents()).toEqual(['None (not embedded automatically)', 'title', 'body', 'notes']);
    await source.selectOption('body');
    expect(await field.getByLabel(/^Chunk size/).inputValue()).toBe('1000');
    await field.getByLabel(/^Chunk size/).fill('500');
    await field.getByLabel(/^Chunk overlap/).fill('400');
    await field.getByLabel('Distance').selectOption('l2');
    await field.getByLabel('Dimensions').fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await field.getByRole('alert').filter({ hasText: 'Must be an integer from 1 to 4096.' }).waitFor();
    await field.getByRole('alert').filter({ hasText: 'Must be an integer from 0 to 250 (half the chunk size).' }).waitFor();
    expect((await d.g.admin.collections.getOne('papers')).fields.some((f) => f.type === 'vector')).toBe(false);

    await field.getByLabel(/^Chunk overlap/).fill('50');
    await field.getByLabel('Dimensions').fill(String(DIMS));
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved papers.' }).waitFor();
    const saved = (await d.g.admin.collections.getOne('papers')).fields.find((f) => f.name === 'embedding');
    expect(saved).toMatchObject({ type: 'vector', dimensions: DIMS, distance: 'l2', index: '', embedder: 'openai', source: 'body', chunkSize: 500, chunkOverlap: 50 });
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('saves the embeddings settings; the API key is never shown back', async () => {
    const { page, problems } = await d.open('/settings/embeddings');
    page.setDefaultTimeout(8000);
    await page.getByRole('heading', { name: 'Embeddings' }).waitFor();
    await page.getByLabel('Endpoint URL').fill('ftp://127.0.0.1/v1');
    await page.getByLabel('Model', { exact: true }).fill('dash-model');
    await page.getByLabel('API key').fill('sk-from-dashboard');
    await page.getByLabel('Batch size (texts per request)').fill('16');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Must be an http(s) URL without credentials (put the key in openaiApiKey).').waitFor();
    expect((await d.g.admin.settings.getAll()).embeddings).toMatchObject({ openaiModel: 'm' });

    await page.getByLabel('Endpoint URL').fill(wire.url);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    expect(await page.getByLabel('API key').inputValue()).toBe('');
    const stored = (await d.g.admin.settings.getAll()).embeddings as Record<string, unknown>;
    expect(stored).toMatchObject({ openaiUrl: wire.url, openaiModel: 'dash-model', openaiBatchSize: 16 });
    expect(stored).not.toHaveProperty('openaiApiKey');

    // A fresh load shows the settings but not the key; the key was stored (the endpoint receives it).
    const again = await d.open('/settings/embeddings');
    await expect.poll(() => again.page.getByLabel('Model', { exact: true }).inputValue()).toBe('dash-model');
    expect(await again.page.getByLabel('API key').inputValue()).toBe('');
    expect(await again.page.content()).not.toContain('sk-from-dashboard');
    await d.g.admin.send('/api/collections/notes/search', { method: 'POST', body: { field: 'embedding', text: 'harbour', k: 1 } });
    expect(wire.embeddingKeys.at(-1)).toBe('Bearer sk-from-dashboard');
    expect(await seriousViolations(again.page)).toEqual([]);
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
    expect(again.problems).toEqual([]);
  });

  it('shows the embedding progress of a collection, refreshed while records are pending, and why records failed', async () => {
    const release = wire.hold('embeddings');
    let releasedEarly = false;
    try {
      // Owned by nobody: no reader sees it in the later tests.
      await d.g.admin.collection('notes').create({ title: 'Gulls', body: 'harbour gulls code-c1' });
      const { page, problems } = await d.open('/collections/notes/records');
      page.setDefaultTimeout(8000);
      const panel = page.getByRole('region', { name: 'Embeddings' });
      const item = panel.getByRole('listitem', { name: 'Embeddings of embedding' });
      await item.getByText('1 pending').waitFor();
      await expect.poll(() => item.textContent()).toContain('4 / 5 done');
      expect(await item.textContent()).toContain('← body (openai)');
      expect(await seriousViolations(page)).toEqual([]);
      release();
      releasedEarly = true;
      // No reload: the panel polls while something is pending.
      await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('5 / 5 done');
      expect(await item.getByText(/pending/).count()).toBe(0);
      expect(problems).toEqual([]);
      expect(await item.locator('details').count()).toBe(0);
    } finally {
      if (!releasedEarly) release();
    }
    // A record the embedder fails on: counted, and listed with the reason and a link to it.
    const bad = await d.g.admin.collection('notes').create({ title: 'Odd', body: 'wrong-size harbour' });
    await waitFailed(d, 'notes', 1);
    const { page, problems } = await d.open('/collections/notes/records');
    page.setDefaultTimeout(8000);
    const item = page.getByRole('region', { name: 'Embeddings' }).getByRole('listitem', { name: 'Embeddings of embedding' });
    await item.getByText('1 failed').waitFor();
    expect(await item.textContent()).toContain('5 / 6 done');
    await item.getByText('Why it failed').click();
    const link = item.getByRole('link', { name: bad.id });
    expect(await link.getAttribute('href')).toBe(`#/collections/notes/records/${bad.id}`);
    expect(await item.locator('details li').textContent()).toMatch(new RegExp(`^${bad.id}: .*\\d`));
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('searches in the playground as a chosen identity, who sees only what the list rule gives them', async () => {
    const { page, problems } = await d.open('/playground');
    page.setDefaultTimeout(8000);
    await page.getByRole('heading', { name: 'Playground' }).waitFor();
    await page.getByLabel('Collection').selectOption('notes');
    const acting = page.getByRole('status', { name: 'Acting as' });
    expect(await acting.textContent()).toContain('Guest (no token)');
    const search = page.getByRole('form', { name: 'Search' });
    await search.getByLabel('Search text').fill('harbour tides');
    const rows = page.getByRole('table', { name: 'Search results' }).locator('tbody tr');
    const titles = () => rows.locator('td:nth-child(2) a').allTextContents();

    // A guest: the rule gives nothing.
    await search.getByRole('button', { name: 'Search' }).click();
    await rows.filter({ hasText: 'nothing this identity may see' }).waitFor();

    // Alice: only her two notes, nearest first, each linking to its record.
    await actAs(page, 'alice@example.com');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(titles).toEqual(['Tides', 'Lights']);
    expect(await rows.first().locator('a').getAttribute('href')).toBe(`#/collections/notes/records/${ids.Tides}`);
    const alice = await d.g.admin.collection('readers').impersonate(ids.alice!, 0);
    const api = await alice.send<{ items: { id: string }[] }>('/api/collections/notes/search', { method: 'POST', body: { field: 'embedding', text: 'harbour tides', k: 10 } });
    expect(api.items.map((i) => i.id)).toEqual([ids.Tides, ids.Lights]);
    // Each record's nearest passage (a short text is one chunk).
    expect(await rows.first().locator('td').nth(3).textContent()).toBe('harbour tides code-a1');
    // Hybrid: full-text and vector ranks fused, with the score; still only alice's.
    await search.getByLabel('Mode').selectOption('hybrid');
    expect(await search.getByLabel('Query by').isDisabled()).toBe(true);
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('columnheader', { name: 'Score' }).waitFor();
    await expect.poll(titles).toEqual(['Tides', 'Lights']);
    expect(await rows.first().locator('td').nth(3).textContent()).toMatch(/^0\.0\d{3}$/);
    await search.getByLabel('Mode').selectOption('vector');

    // Bob sees his own; the superuser sees every record.
    await actAs(page, 'bob@example.com');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => (await titles()).sort()).toEqual(['Cranes', 'Ferries']);
    await page.getByLabel('Identity').selectOption({ label: 'Superuser (me: rules bypassed)' });
    expect(await acting.textContent()).toContain('rules bypassed');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => (await titles()).length).toBeGreaterThanOrEqual(4);
    expect(await titles()).toEqual(expect.arrayContaining(['Tides', 'Lights', 'Cranes', 'Ferries']));

    // A bad filter is the API's 400 under the form.
    await search.getByLabel(/^Filter/).fill('title ~');
    await search.getByRole('button', { name: 'Search' }).click();
    await search.getByRole('alert').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('saves the AI answers settings with a write-only key, then asks in the playground: streamed answer, citations of permitted records only', async () => {
    const settings = await d.open('/settings/ai');
    const sp = settings.page;
    sp.setDefaultTimeout(8000);
    await sp.getByRole('heading', { name: 'AI answers' }).waitFor();
    await sp.getByLabel('Chat endpoint URL').fill(wire.url);
    await sp.getByLabel('Chat model').fill('chat-test');
    await sp.getByLabel('Chat API key').fill('sk-chat-secret');
    await sp.getByLabel('Max output tokens').fill('200');
    await sp.getByRole('button', { name: 'Save changes' }).click();
    await sp.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    expect(await sp.getByLabel('Chat API key').inputValue()).toBe('');
    const ai = (await d.g.admin.settings.getAll()).ai as Record<string, unknown>;
    expect(ai).toMatchObject({ chatUrl: wire.url, chatModel: 'chat-test', maxOutputTokens: 200 });
    expect(ai).not.toHaveProperty('chatApiKey');
    expect(await sp.content()).not.toContain('sk-chat-secret');
    expect(await seriousViolations(sp)).toEqual([]);
    expect(settings.problems).toEqual([]);

    const { page, problems } = await d.open('/playground');
    page.setDefaultTimeout(8000);
    await page.getByLabel('Collection').selectOption('notes');
    await actAs(page, 'alice@example.com');
    await page.getByRole('tab', { name: 'Ask' }).click();
    const ask = page.getByRole('form', { name: 'Ask' });
    await ask.getByLabel('Question').fill('Which codes are in the harbour notes?');
    const chats = wire.chats.length;
    const release = wire.hold('chat');
    let released = false;
    try {
      await ask.getByRole('button', { name: 'Ask' }).click();
      const answer = ask.getByTestId('answer');
      // The first delta is on screen, with the citations, while the model is still answering.
      await expect.poll(() => answer.textContent()).toBe('Found');
      const citations = ask.getByRole('list', { name: 'Citations' }).getByRole('link');
      await expect.poll(() => citations.count()).toBe(2);
      expect(await ask.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
      // The model received alice's passages only.
      expect(wire.chats.length).toBe(chats + 1);
      const sent = wire.chats.at(-1)!;
      expect(sent).toMatchObject({ authorization: 'Bearer sk-chat-secret', model: 'chat-test', stream: true });
      expect(sent.prompt).toContain('code-a1');
      expect(sent.prompt).toContain('code-a2');
      expect(sent.prompt).not.toMatch(/code-b|code-c/);
      release();
      released = true;
      await expect.poll(() => answer.textContent()).toBe('Found code-a1 code-a2.');
      await ask.getByText(/chat-test · \d+ prompt \+ 4 completion = \d+ tokens/).waitFor();
      const hrefs = await citations.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs.sort()).toEqual([ids.Tides, ids.Lights].map((id) => `#/collections/notes/records/${id}`).sort());
      expect(await ask.getByRole('list', { name: 'Citations' }).textContent()).toContain('harbour tides code-a1');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      if (!released) release();
    }

    // Bob asks without streaming: his own records only.
    await actAs(page, 'bob@example.com');
    await ask.getByLabel('Stream the answer').uncheck();
    await ask.getByRole('button', { name: 'Ask' }).click();
    await expect.poll(() => ask.getByTestId('answer').textContent()).toBe('Found code-b1 code-b2.');
    expect(wire.chats.at(-1)).toMatchObject({ stream: false });

    // Stop while the model is answering: the request is aborted and Galley cancels the model call.
    await ask.getByLabel('Stream the answer').check();
    const hold = wire.hold('chat');
    try {
      await ask.getByRole('button', { name: 'Ask' }).click();
      await expect.poll(() => ask.getByTestId('answer').textContent()).toBe('Found');
      expect(wire.cancelledChats).toBe(0);
      await ask.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(() => wire.cancelledChats, { timeout: 10_000 }).toBe(1);
      expect(await ask.getByRole('button', { name: 'Stop' }).count()).toBe(0);
      expect(await ask.getByTestId('answer').textContent()).toBe('Found');
    } finally {
      hold();
    }
    expect(problems).toEqual([]);
  });

  it('shows vectors in the records table and edits them in the record form (a managed one is read-only)', async () => {
    await d.g.admin.collections.create({ name: 'points', type: 'base', fields: [{ name: 'label', type: 'text' }, { name: 'vec', type: 'vector', dimensions: 3 }] });
    const p1 = await d.g.admin.collection('points').create({ label: 'p1', vec: [1, 2, 3] });
    const { page, problems } = await d.open('/collections/points/records');
    page.setDefaultTimeout(8000);
    await page.locator('.rec-table tbody tr').filter({ hasText: 'p1' }).getByText('3 numbers').waitFor();

    const form = await d.open(`/collections/points/records/${p1.id}`);
    form.page.setDefaultTimeout(8000);
    const vec = form.page.locator('#rec-field-vec');
    await expect.poll(() => vec.inputValue()).toBe('[1,2,3]');
    await vec.fill('[1, 2]');
    await form.page.getByRole('button', { name: 'Save changes' }).click();
    await form.page.getByText('Must have exactly 3 numbers (got 2).').waitFor();
    await vec.fill('[4, 5.5, -6]');
    await form.page.getByRole('button', { name: 'Save changes' }).click();
    await form.page.getByRole('status').filter({ hasText: /Saved record/ }).waitFor();
    expect((await d.g.admin.collection('points').getOne(p1.id)).vec).toEqual([4, 5.5, -6]);
    // Saving another field keeps the vector as it is.
    const again = await d.open(`/collections/points/records/${p1.id}`);
    again.page.setDefaultTimeout(8000);
    await expect.poll(() => again.page.locator('#rec-field-vec').inputValue()).toBe('[4,5.5,-6]');
    await again.page.locator('#rec-field-label').fill('p1 renamed');
    await again.page.getByRole('button', { name: 'Save changes' }).click();
    await again.page.getByRole('status').filter({ hasText: /Saved record/ }).waitFor();
    expect(await d.g.admin.collection('points').getOne(p1.id)).toMatchObject({ label: 'p1 renamed', vec: [4, 5.5, -6] });

    // A vector with a source is Galley's: read-only in the form, and a save leaves it alone.
    const before = (await d.g.admin.collection('notes').getOne(ids.Tides!)).embedding as number[];
    const managed = await d.open(`/collections/notes/records/${ids.Tides}`);
    managed.page.setDefaultTimeout(8000);
    const embedding = managed.page.locator('#rec-field-embedding');
    await expect.poll(() => embedding.inputValue()).not.toBe('');
    expect(await embedding.getAttribute('readonly')).not.toBeNull();
    await managed.page.locator('#rec-field-title').fill('Tides');
    await managed.page.getByRole('button', { name: 'Save changes' }).click();
    await managed.page.getByRole('status').filter({ hasText: /Saved record/ }).waitFor();
    expect((await d.g.admin.collection('notes').getOne(ids.Tides!)).embedding).toEqual(before);
    expect(problems).toEqual([]);
    expect(form.problems.filter((p) => !p.includes('400'))).toEqual([]);
    expect(managed.problems).toEqual([]);
    expect(again.problems).toEqual([]);
  });
});
