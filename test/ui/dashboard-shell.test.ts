/**
 * The dashboard in a real browser, on both engines: served at /_/ with its CSP, the
 * sign-in form (errors shown, success leads to the collections), sign-out, the 404 page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ENGINES, startGalley, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestGalley } from '../support/galley.js';
import { launchBrowser, openPage, signIn } from './support/browser.js';

describe.each(ENGINES)('dashboard shell on %s', (engine) => {
  let g: TestGalley;
  let browser: Browser;

  beforeAll(async () => {
    g = await startGalley(engine);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await g?.close();
  });

  it('is served with a strict CSP and no inline code', async () => {
    const res = await g.fetch('/_/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    const asset = /src="(\/_\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await g.fetch(asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await g.fetch('/_/assets/nope.js')).status).toBe(404);
  });

  it('signs in, shows errors from the API, signs out', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${g.url}/_/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(SUPERUSER_EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Failed to authenticate');
    await signIn(page, g.url, SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    await page.getByRole('link', { name: 'users', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('has a 404 page', async () => {
    const { page } = await openPage(browser, 390, 800);
    await page.goto(`${g.url}/_/#/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });
});
