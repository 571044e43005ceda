/**
 * The dashboard's home (#/, the Overview) in Chromium: requests per minute, error rate
 * and realtime clients move with real requests and SSE connections while the page
 * polls; polling stops while the page is hidden and resumes when shown; the sidebar
 * leads to the Logs screen; with GALLEY_METRICS=off the page says the figures are off.
 * SQLite only: the endpoint is tested on both engines in test/metrics-overview.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp } from '../support/app.js';
import { openSse } from '../support/realtime.js';
import { launchBrowser, openPage } from './support/browser.js';
import { useDashboard } from './support/dashboard.js';

const TIMEOUT = 10_000;
const stat = (page: Page, label: string) => page.locator(`[data-stat="${label}"]`);
const number = async (page: Page, label: string) => Number((await stat(page, label).textContent())!.replace(/[^\d.]/g, ''));

describe('Overview (home)', () => {
  const d = useDashboard('sqlite');

  it('shows requests per minute, error rate and realtime clients, refreshed live', async () => {
    const { page, problems } = await d.open('/');
    page.setDefaultTimeout(TIMEOUT);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await stat(page, 'Requests per minute').waitFor();
    const before = await number(page, 'Requests per minute');
    await Promise.all(Array.from({ length: 40 }, () => fetch(`${d.g.url}/api/health`)));
    await expect.poll(() => number(page, 'Requests per minute'), { timeout: TIMEOUT }).toBeGreaterThanOrEqual(before + 40);
    expect(await stat(page, 'Error rate').textContent()).toBe('0%');

    await Promise.all(Array.from({ length: 10 }, () => fetch(`${d.g.url}/api/collections/users/records/nosuchrecord123`)));
    await expect.poll(() => number(page, 'Error rate'), { timeout: TIMEOUT }).toBeGreaterThan(0);
    expect(await stat(page, 'p95 latency').textContent()).toMatch(/^[\d.]+ ms$/);

    expect(await stat(page, 'Realtime clients').textContent()).toBe('0');
    const sse = await openSse(d.g.url);
    try {
      await expect.poll(() => stat(page, 'Realtime clients').textContent(), { timeout: TIMEOUT }).toBe('1');
    } finally {
      sse.close();
    }
    await expect.poll(() => stat(page, 'Realtime clients').textContent(), { timeout: TIMEOUT }).toBe('0');
    expect(problems).toEqual([]);
  }, 60_000);

  it('stops polling while the page is hidden and resumes when it is shown', async () => {
    const { page, problems } = await d.open('/');
    page.setDefaultTimeout(TIMEOUT);
    await stat(page, 'Requests per minute').waitFor();
    let polls = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/metrics/overview')) polls++; });
    const setHidden = (hidden: boolean) => page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
    await expect.poll(() => polls, { timeout: TIMEOUT }).toBeGreaterThanOrEqual(1);
    await setHidden(true);
    await page.waitForTimeout(500); // a poll already in flight may land
    const hiddenAt = polls;
    await page.waitForTimeout(7000); // more than two polling periods
    expect(polls).toBe(hiddenAt);
    await setHidden(false);
    await expect.poll(() => polls, { timeout: TIMEOUT }).toBeGreaterThan(hiddenAt);
    expect(problems).toEqual([]);
  }, 60_000);

  it('is the home the brand and the sidebar lead to, next to the Logs screen', async () => {
    const { page, problems } = await d.open('/collections');
    page.setDefaultTimeout(TIMEOUT);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(await nav.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
    await nav.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    expect(await nav.getByRole('link', { name: 'Logs' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('navigation', { name: 'Breadcrumb' }).textContent()).toBe('Logs');
    expect(problems).toEqual([]);
  });

  it('says so when metrics are switched off (GALLEY_METRICS=off)', async () => {
    process.env.GALLEY_METRICS = 'off';
    const t = await startApp('sqlite').finally(() => { delete process.env.GALLEY_METRICS; });
    const browser = await launchBrowser();
    try {
      const { page, problems } = await openPage(browser);
      page.setDefaultTimeout(TIMEOUT);
      const auth = JSON.stringify({ token: t.admin.authStore.token, record: t.admin.authStore.record });
      await page.context().addInitScript((value) => { localStorage.setItem('galley_superuser_auth', value); }, auth);
      await page.goto(`${t.url}/_/#/`);
      await page.getByRole('status').filter({ hasText: 'Metrics are switched off on this instance' }).waitFor();
      expect(await page.locator('[data-stat]').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await t.close();
    }
  });
});
