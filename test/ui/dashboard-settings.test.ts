/**
 * The settings screens in a browser, on both engines: application name and SMTP round
 * trip (read back through the SDK; the SMTP password never shown), a test email to a
 * real SMTP server, field errors next to their input, superuser create/delete, and the
 * 390 px layout.
 */
import { describe, expect, it } from 'vitest';
import { ENGINES, SUPERUSER_EMAIL } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';

describe.each(ENGINES)('settings screens on %s', (engine) => {
  const d = useDashboard(engine, { smtp: 'started' });
  const open = (section: string, width = 1280) => d.open(`/settings/${section}`, { width, height: 900 });

  it('saves the application name', async () => {
    const { page, problems } = await open('application');
    await page.getByLabel('Application name').fill('Acme <b>Admin</b>');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    expect((await d.g.admin.settings.getAll()).meta.appName).toBe('Acme <b>Admin</b>');
    await page.reload();
    await expect(page.getByLabel('Application name').inputValue()).resolves.toBe('Acme <b>Admin</b>');
    expect(problems).toEqual([]);
  });

  it('saves SMTP settings without ever showing the password, and sends a test email', async () => {
    const { page, problems } = await open('mail');
    await page.getByLabel('Use an SMTP server').check();
    await page.getByLabel('SMTP host').fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(d.smtp.port));
    await page.getByLabel('Username').fill(d.smtp.user);
    await page.getByLabel('SMTP password').fill(d.smtp.pass);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const saved = (await d.g.admin.settings.getAll()).smtp as Record<string, unknown>;
    expect(saved).toMatchObject({ enabled: true, host: '127.0.0.1', port: d.smtp.port, username: d.smtp.user });
    expect(saved).not.toHaveProperty('password');
    await expect(page.getByLabel('SMTP password').inputValue()).resolves.toBe('');
    await page.reload();
    await expect(page.getByLabel('SMTP host').inputValue()).resolves.toBe('127.0.0.1');
    await expect(page.getByLabel('SMTP password').inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(d.smtp.pass);

    // Saving again without typing a password keeps the stored one: the test mail still authenticates.
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await page.getByLabel('Recipient').fill('someone@example.com');
    await page.getByLabel('Template').selectOption('password-reset');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await page.getByRole('status').filter({ hasText: 'Test email sent to someone@example.com.' }).waitFor();
    const mail = await d.smtp.next('someone@example.com');
    expect(mail.decoded).toContain('/_/#/auth/confirm-password-reset/');
    expect(d.smtp.authFailures).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows API errors next to the field they belong to', async () => {
    const { page } = await open('rate-limits');
    const rows = page.locator('.settings-table tbody tr');
    await page.getByRole('button', { name: 'Remove rule 1', exact: true }).waitFor();
    const before = await rows.count();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel(`Rule ${before + 1} label`, { exact: true }).fill('*:auth'); // a default rule has this label
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('error');
    await expect(rows.nth(before).locator('.field-error').textContent()).resolves.toContain('must be unique');
    expect((await d.g.admin.settings.getAll()).rateLimits.rules).toHaveLength(before);
  });

  it('creates and deletes a superuser', async () => {
    const { page, problems } = await open('superusers');
    await page.getByText(SUPERUSER_EMAIL).waitFor();
    const form = page.getByRole('form', { name: 'New superuser' });
    await form.getByLabel('Email').fill('second@example.com');
    await form.getByLabel('Password', { exact: true }).fill('second-password');
    await form.getByLabel('Confirm password').fill('different-password');
    await form.getByRole('button', { name: 'Create superuser' }).click();
    await expect(form.locator('.field-error').textContent()).resolves.toMatch(/match/i);
    await form.getByLabel('Confirm password').fill('second-password');
    await form.getByRole('button', { name: 'Create superuser' }).click();
    await page.getByRole('button', { name: 'Delete second@example.com' }).waitFor();
    const emails = async () => (await d.g.admin.collection('_superusers').getFullList()).map((r) => r.email).sort();
    expect(await emails()).toEqual([SUPERUSER_EMAIL, 'second@example.com']);

    await page.getByRole('button', { name: 'Delete second@example.com' }).click();
    await page.getByRole('dialog', { name: 'Delete superuser?' }).getByRole('button', { name: 'Delete superuser' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted second@example.com.' }).waitFor();
    expect(await emails()).toEqual([SUPERUSER_EMAIL]);
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('fits a 390 px wide screen', async () => {
    const { page } = await open('mail', 390);
    await page.getByLabel('SMTP host').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const host = await page.getByLabel('SMTP host').boundingBox();
    const port = await page.getByLabel('Port', { exact: true }).boundingBox();
    expect(port!.y).toBeGreaterThan(host!.y); // one column: fields stack
    await page.getByRole('link', { name: 'Superusers' }).click();
    await page.getByRole('heading', { name: 'Superusers' }).waitFor();
    // Keyboard: the save button of the mail form is reachable by Tab, with a visible name.
    await page.getByRole('link', { name: 'Mail' }).click();
    await page.getByLabel('SMTP host').focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('type'))).resolves.toBe('number');
  });
});
