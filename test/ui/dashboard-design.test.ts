/**
 * The design system's behaviour in a real browser, on both engines: the theme switch
 * (OS default, pinned light/dark, kept across reloads), keyboard (`/` focuses the
 * filter, Escape closes a dialog and gives focus back, arrow keys move between tabs),
 * reordering fields by dragging, resizing table columns (mouse and keyboard, kept
 * across reloads), the records table's cells (relation chips, JSON preview, relative
 * dates with the exact time on hover) and failure toasts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';

/** 'dark' or 'light' by the page's actual background colour. */
const shade = (page: Page) => page.evaluate(() => {
  const [r, g, b] = (getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g) ?? []).map(Number);
  return r! + g! + b! < 3 * 128 ? 'dark' : 'light';
});
const width = (page: Page, column: string) => page.locator('.rec-table th').filter({ has: page.getByRole('button', { name: column, exact: true }) })
  .evaluate((th) => th.getBoundingClientRect().width);

describe.each(ENGINES)('dashboard design system on %s', (engine) => {
  const d = useDashboard(engine);
  let postId = '';

  beforeAll(async () => {
    const people = await d.g.admin.collections.create({ name: 'people', type: 'base', fields: [{ name: 'name', type: 'text' }] });
    await d.g.admin.collections.create({
      name: 'notes', type: 'base',
      fields: [
        { name: 'a', type: 'text' }, { name: 'b', type: 'text' }, { name: 'c', type: 'text' },
        { name: 'owner', type: 'relation', collectionId: people.id, maxSelect: 1 },
        { name: 'data', type: 'json' }, { name: 'due', type: 'date' },
      ],
    });
    const ada = await d.g.admin.collection('people').create({ name: 'Ada Lovelace' });
    postId = (await d.g.admin.collection('notes').create({ a: 'first note', owner: ada.id, data: { k: [1, 2] }, due: '2020-01-02 03:04:05.000Z' })).id;
  });

  it('follows the OS theme, and the switch pins light or dark across reloads', async () => {
    const { page, problems } = await d.open('/collections', { colorScheme: 'dark' });
    const button = page.getByRole('button', { name: /^Theme: / });
    await expect.poll(() => button.getAttribute('aria-label')).toMatch(/^Theme: system/);
    expect(await shade(page)).toBe('dark'); // the OS preference
    await button.click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await shade(page)).toBe('light');
    await button.click();
    await expect.poll(() => shade(page)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByRole('button', { name: /^Theme: dark/ }).waitFor();
    expect(await shade(page)).toBe('dark'); // pinned, whatever the OS says
    await page.getByRole('button', { name: /^Theme: / }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.hasAttribute('data-theme'))).toBe(false);
    expect(await shade(page)).toBe('light');
    expect(problems).toEqual([]);
  });

  it('is usable from the keyboard: / focuses the filter, Escape closes a dialog, arrows move between tabs', async () => {
    const { page } = await d.open('/collections/notes/records');
    page.setDefaultTimeout(8000);
    await page.getByRole('heading', { name: 'notes records' }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    const filter = page.getByRole('searchbox', { name: 'Filter' });
    expect(await filter.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('a = "first note"');
    await expect.poll(() => filter.inputValue()).toBe('a = "first note"');

    await page.goto(`${d.g.url}/_/#/collections/notes/records/${postId}`);
    const del = page.getByRole('button', { name: 'Delete record' });
    await del.click();
    const dialog = page.getByRole('dialog', { name: 'Delete this record?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await del.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.goto(`${d.g.url}/_/#/collections/notes/schema`);
    await page.getByRole('tab', { name: 'Fields' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'API rules' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('API rules');
  });

  it('reorders fields by dragging a row, or with its move buttons', async () => {
    const { page } = await d.open('/collections/notes/schema');
    page.setDefaultTimeout(8000);
    const order = async () => (await d.g.admin.collections.getOne('notes')).fields.map((f) => f.name).filter((n) => ['a', 'b', 'c'].includes(n));
    const grip = page.getByRole('group', { name: 'Field c', exact: true }).locator('.col-grip');
    const target = page.getByRole('group', { name: 'Field a', exact: true });
    const box = (await target.boundingBox())!;
    await grip.hover();
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + 4, { steps: 8 });
    await page.mouse.move(box.x + box.width / 2, box.y + 3, { steps: 2 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved notes.' }).waitFor();
    expect(await order()).toEqual(['c', 'a', 'b']);

    await page.getByRole('button', { name: 'Move b up' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved notes.' }).waitFor();
    expect(await order()).toEqual(['c', 'b', 'a']);
  });

  it('resizes columns with the mouse or the keyboard, and keeps the widths', async () => {
    const { page } = await d.open('/collections/notes/records');
    page.setDefaultTimeout(8000);
    await page.getByRole('link', { name: postId }).waitFor();
    const before = await width(page, 'data');
    const handle = page.getByRole('separator', { name: 'Resize column data' });
    const hb = (await handle.boundingBox())!;
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(hb.x + hb.width / 2 + 120, hb.y + hb.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => width(page, 'data')).toBeGreaterThan(before + 100);
    const dragged = await width(page, 'data');

    await page.getByRole('separator', { name: 'Resize column a' }).focus();
    const a = await width(page, 'a');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => width(page, 'a')).toBeGreaterThan(a + 40);
    const widened = await width(page, 'a');

    await page.reload();
    await page.getByRole('link', { name: postId }).waitFor();
    expect(Math.abs((await width(page, 'data')) - dragged)).toBeLessThan(2);
    expect(Math.abs((await width(page, 'a')) - widened)).toBeLessThan(2);
  });

  it('shows relations as named chips, JSON as a preview and dates relative with the exact time on hover', async () => {
    const { page, problems } = await d.open('/collections/notes/records');
    page.setDefaultTimeout(8000);
    const row = page.locator('.rec-table tbody tr').filter({ hasText: 'first note' });
    await row.locator('.rec-chip', { hasText: 'Ada Lovelace' }).waitFor(); // the related record's name, not its id
    expect(await row.locator('code.rec-json').textContent()).toBe('{"k":[1,2]}');
    const due = row.locator('time');
    expect(await due.getAttribute('datetime')).toBe('2020-01-02T03:04:05.000Z');
    expect(await due.textContent()).toBe('2020-01-02'); // long ago: the date
    const tip = row.getByRole('tooltip');
    expect(await tip.isVisible()).toBe(false);
    await due.hover();
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toBe('2020-01-02 03:04:05.000Z UTC');
    // Not cut off by the cell or the table frame: its middle is the topmost thing on screen there.
    expect(await tip.evaluate((el) => {
      const r = el.getBoundingClientRect();
      el.style.pointerEvents = 'auto'; // tips ignore the pointer; let hit-testing find it for this check
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      el.style.pointerEvents = '';
      return hit === el;
    })).toBe(true);
    // The tooltip describes the date for assistive technology too.
    expect(await row.locator('.tip-host').getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
    expect(problems).toEqual([]);
  });

  it('reports a failed save as an alert toast that can be dismissed', async () => {
    const { page } = await d.open('/new-collection/base');
    page.setDefaultTimeout(8000);
    await page.getByLabel('Collection name').fill('people'); // taken
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const toast = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Dismiss' }) });
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/\S/);
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
    expect((await d.g.admin.collections.getFullList()).filter((c) => c.name === 'people')).toHaveLength(1);
  });
});
