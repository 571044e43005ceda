/**
 * The records screens in a real browser, on both engines: create/edit/delete through
 * the form (file upload, relation picked by search, JSON, date), filter with instant
 * error messages, sort, bulk delete, stored XSS shown as text, impersonation, 390 px.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';

const XSS_TITLE = '<img src=x onerror="window.__xss=1">';
const XSS_BODY = '<script>window.__xss=2</script><p>hello</p>';

/** Console errors that are not about the sandboxed preview refusing to run script (that refusal is the point). */
const realProblems = (problems: string[]) => problems.filter((p) => !/sandboxed|about:srcdoc/i.test(p));

describe.each(ENGINES)('records screens on %s', (engine) => {
  const d = useDashboard(engine);
  let png: Buffer;
  const authorIds: Record<string, string> = {};
  let xssId = '';
  let memberId = '';

  beforeAll(async () => {
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).png().toBuffer();
    const authors = await d.g.admin.collections.create({ name: 'authors', type: 'base', fields: [{ name: 'name', type: 'text' }] });
    await d.g.admin.collections.create({
      name: 'posts', type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'editor' },
        { name: 'views', type: 'number' },
        { name: 'published', type: 'bool' },
        { name: 'published_at', type: 'date' },
        { name: 'meta', type: 'json' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'cover', type: 'file', maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
        { name: 'place', type: 'geoPoint' },
        { name: 'created', type: 'autodate', onCreate: true },
      ],
    });
    await d.g.admin.collections.create({ name: 'items', type: 'base', fields: [{ name: 'label', type: 'text' }, { name: 'n', type: 'number' }] });
    await d.g.admin.collections.create({ name: 'members', type: 'auth', viewRule: 'id = @request.auth.id', fields: [] });
    for (const name of ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra']) {
      authorIds[name] = (await d.g.admin.collection('authors').create({ name })).id;
    }
    for (let n = 1; n <= 5; n++) await d.g.admin.collection('items').create({ label: `item ${n}`, n });
    xssId = (await d.g.admin.collection('posts').create({ title: XSS_TITLE, body: XSS_BODY, views: 1 })).id;
    memberId = (await d.g.admin.collection('members').create({ email: 'm@example.com', password: 'secret-pass-1', passwordConfirm: 'secret-pass-1' })).id;
  });
  const open = (path: string, width = 1280, height = 900) => d.open(path, { width, height });
  const rows = (page: Page) => page.locator('.rec-table tbody tr');
  const columnTexts = (page: Page, col: number) => rows(page).evaluateAll((trs, c) => trs.map((tr) => tr.children[c]?.textContent ?? ''), col);

  it('creates a record with a file, a relation picked by search, JSON and a date', async () => {
    const { page, problems } = await open('/collections/posts/records/new');
    await page.locator('#rec-field-title').fill('Hello world');
    await page.locator('#rec-field-views').fill('42');
    await page.locator('#rec-field-published').check();
    await page.locator('#rec-field-published_at').fill('2024-05-06T07:08:09');
    await page.getByText('UTC: 2024-05-06 07:08:09.000Z').waitFor();
    await page.locator('#rec-field-meta').fill('{"a": [1, 2]}');
    await page.getByRole('checkbox', { name: 'b', exact: true }).check();
    await page.getByLabel('Search author').fill('Grace');
    await page.getByRole('list', { name: 'Results for author' }).getByRole('button', { name: /Grace Hopper/ }).click();
    await page.getByRole('list', { name: 'Chosen author' }).getByText(/Grace Hopper/).waitFor();
    await page.locator('#rec-field-cover').setInputFiles({ name: 'pic.png', mimeType: 'image/png', buffer: png });
    await page.getByAltText('Preview of pic.png').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'posts records' }).waitFor();
    await page.getByText('Hello world').waitFor();

    const rec = await d.g.admin.collection('posts').getFirstListItem('title = "Hello world"');
    expect(rec).toMatchObject({ views: 42, published: true, published_at: '2024-05-06 07:08:09.000Z', meta: { a: [1, 2] }, author: authorIds['Grace Hopper'], tags: ['b'] });
    expect(rec.cover).toMatch(/^pic_[a-z0-9]{10}\.png$/);
    const file = await d.g.fetch(`/api/files/posts/${rec.id}/${rec.cover}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    // The table shows the image as a 100x100 thumbnail.
    const thumb = page.locator(`img[alt="${rec.cover}"]`);
    await thumb.waitFor();
    expect(await thumb.getAttribute('src')).toContain('thumb=100x100');
    expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(realProblems(problems)).toEqual([]);
  });

  it('edits a record (JSON checked before saving, file removed) and deletes it', async () => {
    const rec = await d.g.admin.collection('posts').create({ title: 'To edit', views: 3, meta: { x: 1 } }, {});
    const withFile = await d.g.admin.collection('posts').update(rec.id, { cover: new File([new Uint8Array(png)], 'old.png', { type: 'image/png' }) });
    const { page } = await open('/collections/posts/records');
    await page.getByRole('link', { name: rec.id }).click();
    await expect.poll(() => page.locator('#rec-field-title').inputValue()).toBe('To edit');
    await page.locator(`img[alt="${withFile.cover}"]`).waitFor();
    await page.locator('#rec-field-title').fill('Edited');
    await page.locator('#rec-field-meta').fill('{"x": ');
    await page.getByText(/^Invalid JSON/).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Fix the marked fields.').waitFor();
    expect((await d.g.admin.collection('posts').getOne(rec.id)).title).toBe('To edit'); // nothing sent
    await page.locator('#rec-field-meta').fill('{"x": 2}');
    await page.getByRole('button', { name: `Remove ${withFile.cover}` }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'posts records' }).waitFor();
    const saved = await d.g.admin.collection('posts').getOne(rec.id);
    expect(saved).toMatchObject({ title: 'Edited', meta: { x: 2 }, cover: '' });
    expect((await d.g.fetch(`/api/files/posts/${rec.id}/${withFile.cover}`)).status).toBe(404);

    // API field errors appear next to their input.
    await page.goto(`${d.g.url}/_/#/collections/posts/records/${rec.id}`);
    await expect.poll(() => page.locator('#rec-field-title').inputValue()).toBe('Edited');
    await page.getByLabel('Latitude').fill('95');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('fieldset.rec-field', { hasText: 'place' }).locator('.rec-field-error').waitFor();
    await page.getByLabel('Latitude').fill('45');

    await page.getByRole('button', { name: 'Delete record' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('heading', { name: 'posts records' }).waitFor();
    await expect(d.g.admin.collection('posts').getOne(rec.id)).rejects.toMatchObject({ status: 404 });
  });

  it('filters as you type (API errors shown, last rows kept) and sorts by column', async () => {
    const { page, problems } = await open('/collections/items/records');
    await expect.poll(() => rows(page).count()).toBe(5);
    const filter = page.getByLabel('Filter');
    await filter.fill('n > 3');
    await expect.poll(() => rows(page).count()).toBe(2);
    await filter.fill('n > ');
    await page.getByRole('alert').filter({ hasText: /filter|invalid|parse/i }).waitFor();
    expect(await rows(page).count()).toBe(2); // the last good result stays
    await filter.fill('');
    await expect.poll(() => rows(page).count()).toBe(5);
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);

    // Column order: select, id, label, n.
    await page.getByRole('button', { name: 'n', exact: true }).click();
    await expect.poll(() => columnTexts(page, 3)).toEqual(['1', '2', '3', '4', '5']);
    await page.getByRole('button', { name: 'n ▲' }).focus();
    await page.keyboard.press('Enter'); // headers work from the keyboard
    await expect.poll(() => columnTexts(page, 3)).toEqual(['5', '4', '3', '2', '1']);
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('n');

    // Column choice is remembered.
    await page.getByText('Columns').click();
    await page.locator('.rec-columns-menu').getByLabel('label').uncheck();
    await expect.poll(() => page.locator('.rec-table th').count()).toBe(3);
    await page.reload();
    await expect.poll(() => rows(page).count()).toBe(5);
    expect(await page.locator('.rec-table th').count()).toBe(3);
    expect(realProblems(problems).filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('bulk-deletes the selected rows after confirmation', async () => {
    const a = await d.g.admin.collection('items').create({ label: 'bulk A', n: 100 });
    const b = await d.g.admin.collection('items').create({ label: 'bulk B', n: 101 });
    const { page } = await open('/collections/items/records');
    await page.getByLabel('Filter').fill('n >= 100');
    await expect.poll(() => rows(page).count()).toBe(2);
    await page.getByLabel(`Select ${a.id}`).check();
    await page.getByLabel(`Select ${b.id}`).check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => rows(page).filter({ hasText: 'bulk' }).count()).toBe(0);
    expect((await d.g.admin.collection('items').getList(1, 1, { filter: 'n >= 100' })).totalItems).toBe(0);
  });

  it('writes rich text: bold from the toolbar is stored as <strong>', async () => {
    const { page, problems } = await open('/collections/posts/records/new');
    await page.locator('#rec-field-title').fill('Rich text');
    const body = page.locator('#rec-field-body');
    await body.click();
    await page.keyboard.type('plain ');
    // Bold on from the toolbar (the pressed state shows), type, bold off again.
    const bold = page.getByRole('toolbar', { name: 'body formatting' }).getByRole('button', { name: 'Bold' });
    expect(await bold.getAttribute('aria-pressed')).toBe('false');
    await bold.click();
    await expect.poll(() => bold.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.type('bold');
    await body.locator('strong', { hasText: 'bold' }).waitFor();
    await bold.click();
    await expect.poll(() => bold.getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('Enter');
    await page.keyboard.type('item');
    // The toolbar is keyboard usable: its buttons take focus and Space presses them.
    await page.getByRole('button', { name: 'Bullet list' }).focus();
    await page.keyboard.press('Space');
    await body.locator('ul li', { hasText: 'item' }).waitFor();
    await expect.poll(() => page.locator('iframe[title="body preview"]').getAttribute('srcdoc')).toContain('<strong>bold</strong>');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'posts records' }).waitFor();
    const rec = await d.g.admin.collection('posts').getFirstListItem('title = "Rich text"');
    expect(rec.body).toContain('<strong>bold</strong>');
    expect(rec.body).toMatch(/^<p>plain <strong>bold<\/strong><\/p><ul><li><p>item<\/p><\/li><\/ul>/);
    expect(realProblems(problems)).toEqual([]);
  });

  it('shows stored XSS as text and runs none of it', async () => {
    const { page, problems } = await open('/collections/posts/records');
    await page.getByText(XSS_TITLE, { exact: true }).waitFor();
    await page.getByText(XSS_BODY, { exact: true }).waitFor();
    expect(await page.locator('.rec-table img[src="x"]').count()).toBe(0);
    await page.getByRole('link', { name: xssId }).click();
    // The rich-text editor parses the HTML into its schema: the text stays, the script is gone.
    await expect.poll(() => page.locator('#rec-field-body').textContent()).toBe('hello');
    expect(await page.locator('#rec-field-body script').count()).toBe(0);
    await page.getByText('Not editable here, kept until you edit: <script>').waitFor();
    expect(await page.locator('#rec-field-title').inputValue()).toBe(XSS_TITLE);
    const preview = page.locator('iframe[title="body preview"]');
    expect(await preview.getAttribute('sandbox')).toBe('');
    await page.frameLocator('iframe[title="body preview"]').getByText('hello').waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(realProblems(problems)).toEqual([]);
  });

  it('impersonates an auth record and shows the token with a copy button', async () => {
    const { page } = await open(`/collections/members/records/${memberId}`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.g.url });
    await page.getByRole('button', { name: 'Generate token' }).click();
    const tokenBox = page.getByLabel('Token');
    await expect.poll(() => tokenBox.inputValue()).not.toBe('');
    const token = await tokenBox.inputValue();
    const res = await d.g.fetch(`/api/collections/members/records/${memberId}`, { token });
    expect(res.status).toBe(200);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  });

  it('fits a 390 px screen: the table scrolls, the form stacks', async () => {
    const { page, problems } = await open('/collections/posts/records', 390, 844);
    await page.getByText(XSS_TITLE, { exact: true }).waitFor();
    const wrap = page.locator('.rec-table-wrap');
    expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${d.g.url}/_/#/collections/posts/records/${xssId}`);
    await page.locator('#rec-field-body').waitFor();
    const area = await page.locator('.rec-rte').boundingBox();
    const frame = await page.locator('iframe[title="body preview"]').boundingBox();
    expect(frame!.y).toBeGreaterThan(area!.y + area!.height - 1); // preview below the editor
    expect(area!.x + area!.width).toBeLessThanOrEqual(390);
    const toolbar = await page.getByRole('toolbar', { name: 'body formatting' }).boundingBox();
    expect(toolbar!.x + toolbar!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(realProblems(problems)).toEqual([]);
  });
});
