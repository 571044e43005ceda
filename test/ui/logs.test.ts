/**
 * The Logs screen (#/logs) in Chromium: real requests (some failing) made through the
 * API show up in the list with their level and status chips; superusers' requests
 * only with the toggle; plain-text search, filter expressions (a bad one answered
 * under the box), level chips, infinite loading, the entry dialog, the hourly chart
 * (a canvas of non-zero size, drawn without any CSP violation) and the logs settings
 * saved through the dialog. SQLite only: the screen does not depend on the engine
 * (the logs API is tested on both in test/logs-api.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually } from '../support/realtime.js';
import { useDashboard } from './support/dashboard.js';

/** Console problems other than the 400s a bad filter is answered with; CSP violations stay in. */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of 400/.test(p));

const TIMEOUT = 8000;
const rows = (page: Page) => page.locator('.logs-table tbody tr:not(.logs-more)');

describe('Logs screen', () => {
  const d = useDashboard('sqlite');
  let noteId = '';
  const open = async () => {
    const opened = await d.open('/logs');
    opened.page.setDefaultTimeout(TIMEOUT);
    return opened;
  };

  beforeAll(async () => {
    await d.g.admin.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'text', type: 'text' }] });
    noteId = (await d.g.admin.collection('notes').create({ text: 'hello' })).id;
    // Enough health checks for more than one page (50 a page) of the list, before the requests the first page shows.
    await Promise.all(Array.from({ length: 70 }, (_, i) => fetch(`${d.g.url}/api/health?n=${i}`)));
    const guest = d.g.client();
    for (let i = 0; i < 3; i++) await guest.collection('notes').getOne(noteId);
    for (let i = 0; i < 2; i++) await expect(guest.collection('notes').getOne('missingnote0000')).rejects.toMatchObject({ status: 404 });
    await expect(guest.collection('notes').getList(1, 10, { filter: 'nope = = 1' })).rejects.toMatchObject({ status: 400 });
    // The log writer batches every 3 s: wait until the last ones are stored.
    await eventually(async () => {
      expect((await d.g.admin.logs.getList(1, 1, { filter: 'data.url ~ "/api/health?n="', skipTotal: false })).totalItems).toBe(70);
    }, 10_000);
  }, 60_000);

  it('lists the requests with level and status chips; superusers\' requests only with the toggle', async () => {
    const { page, problems } = await open();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    // Plain text: the dashboard's own asset requests are logged too and would push these off the first page.
    await page.getByRole('searchbox', { name: 'Filter' }).fill('/api/collections/notes/records');
    const missing = rows(page).filter({ hasText: 'GET /api/collections/notes/records/missingnote0000' });
    await expect.poll(() => missing.count()).toBe(2);
    await expect.poll(() => missing.first().locator('.badge').allTextContents()).toEqual(['Error', 'status 404', expect.stringMatching(/^execTime [\d.]+ ms$/), 'auth guest']);
    const ok = rows(page).filter({ hasText: `GET /api/collections/notes/records/${noteId}` });
    expect(await ok.count()).toBe(3);
    expect(await ok.first().locator('.badge').first().textContent()).toBe('Info');
    // The superuser's own requests (creating the collection, long ago: searched for) are hidden by default.
    await page.getByRole('searchbox', { name: 'Filter' }).fill('POST /api/collections/notes');
    await page.getByText('No logs match.').waitFor();
    const created = rows(page).filter({ hasText: 'POST /api/collections/notes/records' });
    await page.getByLabel('Include requests by superusers').check();
    await expect.poll(() => created.count()).toBeGreaterThanOrEqual(1);
    await expect.poll(() => created.first().locator('.badge').allTextContents()).toContain('auth _superusers');
    await page.getByLabel('Include requests by superusers').uncheck();
    await expect.poll(() => created.count()).toBe(0);
    expect(unexpected(problems)).toEqual([]);
  });

  it('searches plain text, takes filter expressions, reports a bad filter and filters by level', async () => {
    const { page, problems } = await open();
    const search = page.getByRole('searchbox', { name: 'Filter' });
    await search.fill('missingnote');
    await expect.poll(() => rows(page).count()).toBe(2);
    // A quote in plain text stays inside the search string.
    await search.fill('missing"note');
    await page.getByText('No logs match.').waitFor();
    await search.fill('data.status = 400');
    await expect.poll(() => rows(page).count()).toBe(1);
    await expect.poll(() => rows(page).first().textContent()).toContain('nope');
    await search.fill('data.status = = 1');
    await page.getByRole('alert').filter({ hasText: /filter/i }).waitFor();
    expect(await rows(page).count()).toBe(1); // the last good rows stay
    await search.fill('');
    await page.getByRole('button', { name: 'Error', exact: true }).click();
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(new Set(await rows(page).locator('td:first-child .badge').allTextContents())).toEqual(new Set(['Error']));
    await page.getByRole('button', { name: 'Error', exact: true }).click();
    await expect.poll(() => rows(page).count()).toBe(50);
    expect(unexpected(problems)).toEqual([]);
  });

  it('loads the next page when the end of the list scrolls into view', async () => {
    const { page, problems } = await open();
    await page.getByRole('searchbox', { name: 'Filter' }).fill('data.url ~ "/api/health?n="');
    // The unfiltered first page also has 50 rows: wait until the filtered one replaced it.
    await expect.poll(async () => (await rows(page).locator('.logs-open').allTextContents()).filter((m) => m.includes('/api/health?n=')).length).toBe(50);
    await page.locator('.logs-more').scrollIntoViewIfNeeded();
    await expect.poll(() => rows(page).count()).toBe(70);
    await page.getByText('70 logs, the end of the list.').waitFor();
    const messages = await rows(page).locator('.logs-open').allTextContents();
    expect(new Set(messages).size).toBe(70); // no page repeated
    expect(unexpected(problems)).toEqual([]);
  });

  it('opens an entry with every field and its data as JSON', async () => {
    const { page, problems } = await open();
    await page.getByRole('searchbox', { name: 'Filter' }).fill('missingnote');
    await page.getByRole('button', { name: 'GET /api/collections/notes/records/missingnote0000' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Log entry' });
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('dt', { hasText: 'data.status' }).locator('+ dd').textContent()).toBe('404');
    const json = JSON.parse((await dialog.getByLabel("The log's data as JSON").textContent())!);
    expect(json).toMatchObject({ type: 'request', method: 'GET', status: 404, auth: '' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(unexpected(problems)).toEqual([]);
  });

  it('draws the hourly chart on a canvas without CSP violations', async () => {
    const { page, problems } = await open();
    const chart = page.getByRole('img', { name: /^Logs per hour: \d+ logs/ });
    await chart.waitFor();
    const size = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight }));
    expect(size.w).toBeGreaterThan(100);
    expect(size.h).toBeGreaterThan(50);
    expect(size.cw).toBeGreaterThan(100);
    // Something was drawn: some pixels are not transparent.
    const painted = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(100);
    // The chart follows the filter: one hour with the two 404s.
    await page.getByRole('searchbox', { name: 'Filter' }).fill('data.status = 404');
    await page.getByRole('img', { name: 'Logs per hour: 2 logs over 1 hour with logs.' }).waitFor();
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    expect(unexpected(problems)).toEqual([]);
  });

  it('fits a phone: the page does not scroll sideways, the list scrolls in its frame', async () => {
    const { page, problems } = await d.open('/logs', { width: 390, height: 800 });
    page.setDefaultTimeout(TIMEOUT);
    await page.locator('.logs-open').first().waitFor();
    await page.locator('.logs-chart canvas').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('.logs-table-wrap').evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(unexpected(problems)).toEqual([]);
  });

  it('edits the logs settings and saves them', async () => {
    const { page, problems } = await open();
    await page.getByRole('button', { name: 'Logs settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Logs settings' });
    await dialog.getByLabel('Days to keep logs').fill('9');
    await dialog.getByLabel('Lowest level stored').selectOption({ label: 'Warn (4)' });
    await dialog.getByLabel("Store the auth record's id").check();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    expect((await d.g.admin.settings.getAll()).logs).toMatchObject({ maxDays: 9, minLevel: 4, logAuthId: true });
    // A bad value: the API's message under the input, the dialog stays open.
    await page.getByRole('button', { name: 'Logs settings' }).click();
    await dialog.getByLabel('Days to keep logs').fill('-1');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.locator('.field-error').waitFor();
    expect((await d.g.admin.settings.getAll()).logs).toMatchObject({ maxDays: 9 });
    await d.g.admin.settings.update({ logs: { maxDays: 5, minLevel: 0, logAuthId: false } });
    expect(unexpected(problems)).toEqual([]);
  });
});
