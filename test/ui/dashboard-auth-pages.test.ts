/**
 * The public pages behind the auth email links, on both engines: each flow is started
 * through the SDK, the mail read from a real SMTP server, and the link opened in the
 * browser without signing in; plus a bad link and the OAuth2 redirect pages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/galley.js';
import { tokenIn } from '../support/smtp-capture.js';
import { openPage } from './support/browser.js';
import { useDashboard } from './support/dashboard.js';

describe.each(ENGINES)('auth email pages on %s', (engine) => {
  const d = useDashboard(engine, { smtp: 'configured' });
  const email = 'reader@example.com';
  const password = 'reader-password-1';

  /** The link of the latest mail to `to`, opened at the server under test. */
  const linkIn = async (to: string, path: string, after = 0) => {
    const mail = await d.smtp.next(to, after);
    expect(mail.decoded).toContain(`${d.g.url}/_/#/auth/${path}/`); // appURL + the route the page serves
    return `${d.g.url}/_/#/auth/${path}/${tokenIn(mail, path)}`;
  };

  beforeAll(async () => {
    await d.g.admin.collection('users').create({ email, password, passwordConfirm: password });
  });

  it('confirms a verification', async () => {
    await d.g.client().collection('users').requestVerification(email);
    const { page, problems } = await openPage(d.browser);
    await page.goto(await linkIn(email, 'confirm-verification'));
    await page.getByRole('status').filter({ hasText: 'Your email address has been verified.' }).waitFor();
    expect((await d.g.admin.collection('users').getFirstListItem(`email="${email}"`)).verified).toBe(true);
    expect(problems).toEqual([]);
  });

  it('says so when a link is invalid', async () => {
    const { page } = await openPage(d.browser, 390, 800);
    await page.goto(`${d.g.url}/_/#/auth/confirm-verification/not.a.token`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid or expired');
  });

  it('resets a password', async () => {
    const before = d.smtp.count(email);
    await d.g.client().collection('users').requestPasswordReset(email);
    const { page } = await openPage(d.browser, 390, 800);
    await page.goto(await linkIn(email, 'confirm-password-reset', before));
    await page.getByLabel('New password', { exact: true }).fill('new-password-22');
    await page.getByLabel('Confirm new password').fill('does-not-match');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.locator('.field-error').textContent()).resolves.toMatch(/match/i);
    await page.getByLabel('Confirm new password').fill('new-password-22');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password has been changed.' }).waitFor();
    await d.g.client().collection('users').authWithPassword(email, 'new-password-22');
  });

  it('confirms an email change with the password', async () => {
    const user = d.g.client();
    await user.collection('users').authWithPassword(email, 'new-password-22');
    await user.collection('users').requestEmailChange('renamed@example.com');
    const { page } = await openPage(d.browser);
    await page.goto(await linkIn('renamed@example.com', 'confirm-email-change'));
    await page.getByText('renamed@example.com').waitFor();
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Confirm new email' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill('new-password-22');
    await page.getByRole('button', { name: 'Confirm new email' }).click();
    await page.getByRole('status').filter({ hasText: 'Your email address has been changed.' }).waitFor();
    await d.g.client().collection('users').authWithPassword('renamed@example.com', 'new-password-22');
  });

  it('has the OAuth2 redirect pages', async () => {
    const { page } = await openPage(d.browser);
    await page.goto(`${d.g.url}/_/#/auth/oauth2-redirect-success`);
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    await page.goto(`${d.g.url}/_/#/auth/oauth2-redirect-failure`);
    await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
    // Where the server's redirect endpoint sends the popup.
    expect((await d.g.fetch('/api/oauth2-redirect?state=x&code=y', { redirect: 'manual' })).headers.get('location')).toContain('#/auth/oauth2-redirect-failure');
  });
});
