/**
 * First run through the browser, on both engines: a Galley with no superuser, the
 * setup link made by the same function `galley serve` prints it with, the install page
 * (field errors, then success and sign-in), the token refused once used, expired or
 * wrong; then sign-in with a wrong and a right password.
 */
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../support/galley.js';
import { openPage, signIn } from './support/browser.js';
import { useDashboard } from './support/dashboard.js';
import { createInstallToken, hasSuperuser, installLink } from '../../src/core/install/install-token.js';

const EMAIL = 'first@example.com';
const PASSWORD = 'first-superuser-pass';

describe.each(ENGINES)('first-run setup on %s', (engine) => {
  const d = useDashboard(engine, { superuser: false });
  const install = (body: Record<string, unknown>) =>
    d.g.fetch('/api/galley/install', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });


  it('refuses a wrong or expired token', async () => {
    const body = { email: EMAIL, password: PASSWORD, passwordConfirm: PASSWORD };
    expect((await install({ ...body, token: 'wrong' })).status).toBe(403);
    const expired = await createInstallToken(d.g.core.store, Date.now() - 31 * 60 * 1000);
    expect((await install({ ...body, token: expired })).status).toBe(403);
    expect(await hasSuperuser(d.g.core.store)).toBe(false);
  });

  it('creates the first superuser from the printed link and signs in', async () => {
    const link = await installLink(d.g.core.store, d.g.url);
    expect(link).toMatch(new RegExp(`^${d.g.url}/_/#/install/[\\w-]{40,}$`));
    const { page, problems } = await openPage(d.browser);
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Create the first superuser' }).waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill('something else');
    await page.getByRole('button', { name: 'Create superuser and sign in' }).click();
    // The record create's validation error, next to its field.
    await expect(page.locator('.field-error').first().textContent()).resolves.toMatch(/match/i);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create superuser and sign in' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);

    // Used up: no second superuser through the link, and no new link at start.
    const token = decodeURIComponent(link!.split('/install/')[1]!);
    expect((await install({ token, email: 'second@example.com', password: PASSWORD, passwordConfirm: PASSWORD })).status).toBe(400);
    expect(await installLink(d.g.core.store, d.g.url)).toBeUndefined();
    const list = await d.g.client().collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    expect(list.record.email).toBe(EMAIL);
  });

  it('signs in with a wrong then the right password', async () => {
    const { page } = await openPage(d.browser);
    await page.goto(`${d.g.url}/_/#/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Failed to authenticate');
    await signIn(page, d.g.url, EMAIL, PASSWORD);
  });
});
