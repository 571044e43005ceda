/**
 * The dashboard in a real browser, on both engines: served at /_/ with its CSP, the
 * sign-in form (errors shown, success leads to the collections), sign-out, the 404 page.
 */
import { describe, expect, it } from 'vitest';
import { ENGINES, SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from '../support/galley.js';
import { openPage, signIn } from './support/browser.js';
import { useDashboard } from './support/dashboard.js';

describe.each(ENGINES)('dashboard shell on %s', (engine) => {
  const d = useDashboard(engine);

  it('is served with a strict CSP and no inline code', async () => {
    const res = await d.g.fetch('/_/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    const asset = /src="(\/_\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await d.g.fetch(asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await d.g.fetch('/_/assets/nope.js')).status).toBe(404);
  });

  it('signs in, shows errors from the API, signs out', async () => {
    const { page, problems } = await openPage(d.browser);
    await page.goto(`${d.g.url}/_/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(SUPERUSER_EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Failed to authenticate');
    await signIn(page, d.g.url, SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    await page.getByRole('link', { name: 'users', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('has a 404 page', async () => {
    const { page } = await openPage(d.browser, 390, 800);
    await page.goto(`${d.g.url}/_/#/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });
});
