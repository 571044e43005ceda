/**
 * Full-text search and text extraction in the dashboard, in a real browser on both
 * engines (issue 19 part 3): a field made searchable and the collection's search
 * options set in the schema editor, the file field's extraction option (target field
 * and OCR), records filtered with search("…") and sorted by relevance, and the
 * extraction status chip of a record whose extraction failed (a real upload of a
 * broken PDF). Each check reads the result back through the API; axe checks the
 * editor with the new options open and the records table with the chip.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';
import { seriousViolations } from './support/axe.js';

async function save(page: Page, name: string) {
  await page.getByRole('button', { name: /^(Create|Save changes)$/ }).click();
  await page.getByRole('status').filter({ hasText: `Saved ${name}.` }).waitFor();
}

describe.each(ENGINES)('search and extraction screens on %s', (engine) => {
  const d = useDashboard(engine);

  beforeAll(async () => {
    await d.g.admin.collections.create({
      name: 'papers', type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'content', type: 'editor' },
        { name: 'notes', type: 'text' },
        { name: 'doc', type: 'file', maxSelect: 1 },
      ],
    });
    // Each test has its own collection, so any one of them runs alone.
    await d.g.admin.collections.create({
      name: 'articles', type: 'base',
      fields: [{ name: 'title', type: 'text', searchable: true }, { name: 'content', type: 'editor', searchable: true }],
    });
    await d.g.admin.collections.create({
      name: 'uploads', type: 'base',
      fields: [{ name: 'title', type: 'text' }, { name: 'content', type: 'editor' }, { name: 'doc', type: 'file', maxSelect: 1, extractTextTo: 'content' }],
    });
  });

  it('makes a field searchable, sets the search options and the file field\'s extraction in the schema editor', async () => {
    const { page, problems } = await d.open('/collections/papers/schema');
    page.setDefaultTimeout(8000);
    await page.getByRole('heading', { name: 'Edit papers' }).waitFor();
    const search = page.getByRole('region', { name: 'Full-text search' });
    await search.getByText('No searchable fields').waitFor();

    const title = page.getByRole('group', { name: 'Field title' });
    await title.getByRole('button', { name: 'Options of title' }).click();
    await title.getByLabel('Searchable (full-text search)').check();
    const content = page.getByRole('group', { name: 'Field content' });
    await content.getByRole('button', { name: 'Options of content' }).click();
    await content.getByLabel('Searchable (full-text search)').check();
    // A file field offers the text and editor fields as the target, and OCR only once one is chosen.
    const doc = page.getByRole('group', { name: 'Field doc' });
    await doc.getByRole('button', { name: 'Options of doc' }).click();
    const target = doc.getByLabel('Extract text to');
    expect(await target.locator('option').allTextContents()).toEqual(['Off (no extraction)', 'title', 'content', 'notes']);
    expect(await doc.getByLabel('OCR images (slow)').count()).toBe(0);
    await target.selectOption('content');
    await doc.getByLabel('OCR images (slow)').check();

    await search.getByLabel('Language (PostgreSQL stemming)').selectOption('english');
    await search.getByLabel('Porter stemming (SQLite, English)').check();
    await expect(search.textContent()).resolves.toContain('Searchable: title, content.');
    expect(await seriousViolations(page)).toEqual([]);
    await save(page, 'papers');

    const c = await d.g.admin.collections.getOne('papers');
    const byName = Object.fromEntries(c.fields.map((f) => [f.name, f]));
    expect(byName.title).toMatchObject({ type: 'text', searchable: true });
    expect(byName.content).toMatchObject({ type: 'editor', searchable: true });
    expect(byName.notes!.searchable ?? false).toBe(false);
    expect(byName.doc).toMatchObject({ type: 'file', extractTextTo: 'content', extractOcr: true });
    expect((c as unknown as { search: unknown }).search).toMatchObject({ language: 'english', porter: true });
    // Galley keeps the extraction state in a system field of its own.
    expect(byName.docExtraction).toMatchObject({ type: 'json', system: true });
    expect(problems).toEqual([]);
  });

  it('shows a bad search option next to its input', async () => {
    // A language the server refuses (an old dashboard, a hand-edited draft): its error is shown in the section.
    const language = async () => ((await d.g.admin.collections.getOne('articles')) as unknown as { search?: { language?: string } }).search?.language;
    const before = await language();
    const { page } = await d.open('/collections/articles/schema');
    await page.getByRole('heading', { name: 'Edit articles' }).waitFor();
    const search = page.getByRole('region', { name: 'Full-text search' });
    await search.getByLabel('Language (PostgreSQL stemming)').evaluate((select: HTMLSelectElement) => {
      const option = document.createElement('option');
      option.value = 'klingon';
      option.textContent = 'klingon';
      select.append(option);
    });
    await search.getByLabel('Language (PostgreSQL stemming)').selectOption('klingon');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await search.getByRole('alert').filter({ hasText: /Must be one of/ }).waitFor();
    expect(await language()).toBe(before);
  });

  it('filters records with search("…") and sorts them by relevance', async () => {
    const papers = d.g.admin.collection('articles');
    await papers.create({ title: 'Tide tables', content: '<p>harbour harbour harbour tides</p>' });
    await papers.create({ title: 'Harbour lights', content: '<p>a lighthouse</p>' });
    await papers.create({ title: 'Mountain huts', content: '<p>no sea here</p>' });
    const { page, problems } = await d.open('/collections/articles/records');
    page.setDefaultTimeout(8000);
    const rows = page.locator('.rec-table tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const filter = page.getByLabel('Filter');
    expect(await filter.getAttribute('placeholder')).toContain('search("words")');
    expect(await page.getByRole('button', { name: 'Sort by relevance' }).count()).toBe(0);

    await filter.fill('search("harbour")');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('#rec-filter-error').count()).toBe(0);
    const titles = () => rows.evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));
    const byRelevance = page.getByRole('button', { name: 'Sort by relevance' });
    await byRelevance.click();
    expect(await byRelevance.getAttribute('aria-pressed')).toBe('true');
    // "Tide tables" says harbour three times in a short body, "Harbour lights" once in its title.
    const ranked = (await papers.getList(1, 10, { filter: 'search("harbour")', sort: '@rank' })).items.map((r) => r.title as string);
    await expect.poll(async () => (await titles()).map((t) => ranked.find((r) => t.includes(r)))).toEqual(ranked);
    // A phrase, a prefix and an exclusion pass the filter box unchanged.
    await filter.fill('search(\'harb* -"tide tables"\')');
    await expect.poll(async () => (await titles()).join('|')).toMatch(/^[^|]*Harbour lights[^|]*$/);
    // Without search() in the filter, the relevance sort steps aside (no 400 for @rank).
    await filter.fill('title ~ "hut"');
    await expect.poll(async () => (await titles()).join('|')).toMatch(/^[^|]*Mountain huts[^|]*$/);
    expect(await page.getByRole('button', { name: 'Sort by relevance' }).count()).toBe(0);
    expect(await page.locator('#rec-filter-error').count()).toBe(0);
    // A bad query is the API's 400 message beside the box.
    await filter.fill('search("-harbour")');
    await page.locator('#rec-filter-error').filter({ hasText: /at least one word that is not excluded/ }).waitFor();
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('shows the extraction status of each record, with the failure reason as its tooltip', async () => {
    const papers = d.g.admin.collection('uploads');
    await papers.create({ title: 'No file here' });
    const form = new FormData();
    form.append('title', 'Broken upload');
    form.append('doc', new Blob([Buffer.from('%PDF-1.7\nthis is not a PDF body at all\n')], { type: 'application/pdf' }), 'broken.pdf');
    const broken = await papers.create(form);
    await expect.poll(async () => ((await papers.getOne(broken.id)).docExtraction as { status?: string } | null)?.status, { timeout: 20_000 }).toBe('failed');
    const reason = ((await papers.getOne(broken.id)).docExtraction as { error: string }).error;
    expect(reason).not.toBe('');

    const { page, problems } = await d.open('/collections/uploads/records');
    page.setDefaultTimeout(8000);
    const row = page.locator('.rec-table tbody tr').filter({ hasText: 'Broken upload' });
    const chip = row.locator('.rec-extraction .badge');
    await expect.poll(() => chip.textContent()).toBe('failed');
    // Records without a file have no state: a dash, not a chip.
    const plain = page.locator('.rec-table tbody tr').filter({ hasText: 'No file here' });
    await expect.poll(() => plain.locator('.rec-extraction').count()).toBe(0);
    // The reason is the chip's tooltip, on hover and from the keyboard.
    await row.locator('.rec-extraction .tip-host').focus();
    const tip = row.locator('.rec-extraction [role="tooltip"]');
    await expect.poll(() => tip.textContent()).toBe(`Extraction failed: ${reason}`);
    expect(await tip.isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    // The chips' colours in the dark theme too.
    const dark = await d.open('/collections/uploads/records', { colorScheme: 'dark' });
    await expect.poll(() => dark.page.locator('.rec-extraction .badge').filter({ hasText: 'failed' }).count()).toBe(1);
    expect(await seriousViolations(dark.page)).toEqual([]);
    await dark.page.close();
    // And the records filter reaches the state like any json field.
    await page.getByLabel('Filter').fill('docExtraction.status = "failed"');
    await expect.poll(() => page.locator('.rec-table tbody tr').count()).toBe(1);
    expect(problems).toEqual([]);

    // The record form shows the state read-only (with the reason), and saving leaves it alone.
    const editor = await d.open(`/collections/uploads/records/${broken.id}`);
    const state = editor.page.getByRole('group', { name: /docExtraction/ });
    await state.getByText(reason, { exact: true }).waitFor();
    expect(await state.locator('textarea, input').count()).toBe(0);
    await editor.page.locator('#rec-field-title').fill('Broken upload, renamed');
    await editor.page.getByRole('button', { name: 'Save changes' }).click();
    await editor.page.getByRole('status').filter({ hasText: /Saved record/ }).waitFor();
    const saved = await papers.getOne(broken.id);
    expect(saved.title).toBe('Broken upload, renamed');
    expect(saved.docExtraction).toMatchObject({ status: 'failed', error: reason });
    expect(await seriousViolations(editor.page)).toEqual([]);
    expect(editor.problems).toEqual([]);
  });
});
