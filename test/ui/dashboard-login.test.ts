/**
 * Superuser sign-in in a real browser, on both engines: OTP enabled on `_superusers`
 * (code read from a real SMTP server), then MFA (password first, the emailed code as
 * the second factor), a reload after sign-in that keeps the session, and one that
 * signs out when the account is gone.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES, SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from '../support/galley.js';
import { openPage, signIn } from './support/browser.js';
import { useDashboard } from './support/dashboard.js';

describe.each(ENGINES)('dashboard sign-in on %s', (engine) => {
  const d = useDashboard(engine, { smtp: 'configured' });

  /**
   * The OTP code of the mail to the superuser that arrives after `after` mails, read where
   * the default template puts it: any 8-digit word would also match the first group of
   * nodemailer's Message-ID one time in 40 (eight hex digits that happen to be decimal).
   */
  const codeIn = async (after: number): Promise<string> => {
    const mail = await d.smtp.next(SUPERUSER_EMAIL, after);
    const m = /<strong>(\d{8})<\/strong>/.exec(mail.decoded);
    if (!m) throw new Error(`no code in the mail:\n${mail.decoded}`);
    return m[1]!;
  };

  const token = (page: Page) => page.evaluate(() => localStorage.getItem('galley_superuser_auth'));


  it('signs in with a password and stays signed in after a reload', async () => {
    const { page, problems } = await openPage(d.browser);
    page.setDefaultTimeout(8000);
    await page.goto(`${d.g.url}/_/#/login`);
    await page.getByLabel('Email').fill(SUPERUSER_EMAIL);
    await page.getByLabel('Password').fill(SUPERUSER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    const before = await token(page);
    expect(before).toBeTruthy();
    // Wait past the second boundary so a refreshed token differs (iat/exp are seconds).
    await page.waitForTimeout(1100);
    const refreshed = page.waitForResponse((r) => r.url().includes('/api/collections/_superusers/auth-refresh'));
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    await page.waitForFunction((old) => localStorage.getItem('galley_superuser_auth') !== old, before);
    expect(page.url()).not.toContain('#/login');
    expect(problems).toEqual([]);
  });

  it('signs out on reload when the session was revoked', async () => {
    const email = 'second@example.com', password = 'second-password-1';
    const other = await d.g.admin.collection('_superusers').create({ email, password, passwordConfirm: password });
    const { page, problems } = await openPage(d.browser);
    page.setDefaultTimeout(8000);
    await signIn(page, d.g.url, email, password);
    await d.g.admin.collection('_superusers').delete(other.id);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(page.url()).toContain('#/login');
    expect(await token(page)).toBeNull();
    expect(problems.filter((p) => !/\b(401|404)\b/.test(p))).toEqual([]);
  });

  it('signs in with an emailed one-time code', async () => {
    await d.g.admin.collections.update('_superusers', { otp: { enabled: true } });
    const { page, problems } = await openPage(d.browser);
    page.setDefaultTimeout(8000);
    await page.goto(`${d.g.url}/_/#/login`);
    await page.getByLabel('Email').fill(SUPERUSER_EMAIL);
    const sent = d.smtp.count(SUPERUSER_EMAIL);
    await page.getByRole('button', { name: 'Email me a one-time code instead' }).click();
    const code = await codeIn(sent);
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(await token(page)).toBeTruthy();
    await page.reload();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('with MFA: password first, then the emailed code', async () => {
    await d.g.admin.collections.update('_superusers', { otp: { enabled: true }, mfa: { enabled: true } });
    const { page, problems } = await openPage(d.browser);
    page.setDefaultTimeout(8000);
    await page.goto(`${d.g.url}/_/#/login`);
    await page.getByLabel('Email').fill(SUPERUSER_EMAIL);
    await page.getByLabel('Password').fill(SUPERUSER_PASSWORD);
    const sent = d.smtp.count(SUPERUSER_EMAIL);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('One-time code').waitFor();
    const code = await codeIn(sent);

    // A wrong code first: the error is shown and the form stays.
    await page.getByLabel('One-time code').fill('00000000' === code ? '11111111' : '00000000');
    await page.getByRole('button', { name: 'Verify code' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/invalid|expired/i);
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(await token(page)).toBeTruthy();
    await page.reload();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(problems.filter((p) => !/40[01]/.test(p))).toEqual([]);
  });

  it('with MFA: the code first, then the password', async () => {
    const { page, problems } = await openPage(d.browser);
    page.setDefaultTimeout(8000);
    await page.goto(`${d.g.url}/_/#/login`);
    await page.getByLabel('Email').fill(SUPERUSER_EMAIL);
    const sent = d.smtp.count(SUPERUSER_EMAIL);
    await page.getByRole('button', { name: 'Email me a one-time code instead' }).click();
    await page.getByLabel('One-time code').fill(await codeIn(sent));
    await page.getByRole('button', { name: 'Verify code' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Enter your password');
    await page.getByLabel('Password').fill(SUPERUSER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
  });
});
