/**
 * The Backups screen (#/backups) in Chromium: create (with a name, a bad name answered
 * under the field), the list with size, date and verification status, download (the
 * archive's bytes through a superuser file token), upload, delete after a
 * confirmation, restore only once the backup's name is typed (the data then is the
 * backup's), and the backups settings (a schedule preset, the keep count, S3 fields
 * whose secret is never shown, the test button's answer). SQLite only: the screen does
 * not depend on the engine (the backups API is tested on both in test/backups*.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useDashboard } from './support/dashboard.js';

const TIMEOUT = 15_000;

describe('Backups screen', () => {
  const d = useDashboard('sqlite');
  const open = async () => {
    const opened = await d.open('/backups');
    opened.page.setDefaultTimeout(TIMEOUT);
    await opened.page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    return opened;
  };
  const row = (page: Awaited<ReturnType<typeof open>>['page'], key: string) => page.locator('.backups-table tbody tr').filter({ hasText: key });
  /** Console problems other than the 400s the tests provoke on purpose. */
  const unexpected = (problems: string[]) => problems.filter((p) => !/status of 400/.test(p));

  it('creates, lists, downloads, uploads and deletes backups', async () => {
    await d.g.admin.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }] });
    await d.g.admin.collection('notes').create({ text: 'before' });
    const { page, problems } = await open();
    await page.getByText('No backups yet.').waitFor();
    expect(await page.getByRole('link', { name: 'Backups' }).getAttribute('aria-current')).toBe('page');

    await page.getByRole('button', { name: 'Create backup' }).click();
    await page.getByLabel('Name (optional)').fill('Bad Name');
    await page.getByRole('dialog').getByRole('button', { name: 'Create backup' }).click();
    await page.getByRole('dialog').getByText('Must be in a valid format.').waitFor();
    await page.getByLabel('Name (optional)').fill('first.zip');
    await page.getByRole('dialog').getByRole('button', { name: 'Create backup' }).click();
    await page.getByRole('status').filter({ hasText: 'Created first.zip.' }).waitFor();
    const first = row(page, 'first.zip');
    await first.getByText('Verified', { exact: true }).waitFor();
    const size = (await d.g.admin.backups.getFullList()).find((b) => b.key === 'first.zip')!.size;
    expect(await first.locator('.backup-size').textContent()).toMatch(/^[\d.]+ (B|kB|MB)$/);
    expect(size).toBeGreaterThan(0);
    expect(await first.locator('.backup-date').textContent()).toMatch(/^just now/);

    const [download] = await Promise.all([page.waitForEvent('download'), first.getByRole('button', { name: 'Download first.zip' }).click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.length).toBe(size);
    expect(download.suggestedFilename()).toBe('first.zip');

    // The downloaded archive uploaded again under another name: listed and verified.
    await page.getByLabel('Backup file to upload').setInputFiles({ name: 'copy.zip', mimeType: 'application/zip', buffer: bytes });
    await page.getByRole('status').filter({ hasText: 'Uploaded copy.zip.' }).waitFor();
    await row(page, 'copy.zip').getByText('Verified', { exact: true }).waitFor();
    // Not a backup: refused with the API's message.
    await page.getByLabel('Backup file to upload').setInputFiles({ name: 'junk.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await page.getByRole('alert').filter({ hasText: /not a readable zip/ }).waitFor();

    await row(page, 'copy.zip').getByRole('button', { name: 'Delete copy.zip' }).click();
    await page.getByRole('dialog', { name: 'Delete this backup?' }).getByRole('button', { name: 'Delete backup' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted copy.zip.' }).waitFor();
    await expect.poll(() => row(page, 'copy.zip').count()).toBe(0);
    expect((await d.g.admin.backups.getFullList()).map((b) => b.key)).toEqual(['first.zip']);
    expect(unexpected(problems)).toEqual([]);
  });

  it('restores only once the backup\'s name is typed', async () => {
    await d.g.admin.collection('notes').create({ text: 'after' });
    const { page, problems } = await open();
    await row(page, 'first.zip').getByRole('button', { name: 'Restore first.zip' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
    const confirm = dialog.getByRole('button', { name: 'Restore backup' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type first.zip to confirm').fill('first');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type first.zip to confirm').fill('first.zip');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: 'Restored first.zip.' }).waitFor();
    expect((await d.g.admin.collection('notes').getFullList()).map((r) => r.text)).toEqual(['before']);
    // The backup's superuser is the same account: the session went on.
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    expect(page.url()).toContain('#/backups');
    expect(unexpected(problems)).toEqual([]);
  });

  it('saves the backups settings: a schedule, the keep count and an S3 bucket whose secret is never shown', async () => {
    const { page, problems } = await open();
    await page.getByRole('button', { name: 'Backups settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Backups settings' });
    await dialog.getByLabel('Automatic backups', { exact: true }).selectOption({ label: 'Every day at 00:00 UTC' });
    await dialog.getByLabel('Automatic backups to keep').fill('5');
    expect(await dialog.getByRole('button', { name: 'Test the S3 bucket' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Keep the backups in an S3 bucket').check();
    await dialog.getByLabel('Bucket', { exact: true }).fill('my-backups');
    await dialog.getByLabel('Region', { exact: true }).fill('eu-west-1');
    await dialog.getByLabel('Endpoint', { exact: true }).fill('http://127.0.0.1:9');
    await dialog.getByLabel('Access key', { exact: true }).fill('AKIA-TEST');
    await dialog.getByLabel('Secret', { exact: true }).fill('very-secret-value');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const saved = (await d.g.admin.settings.getAll()).backups as Record<string, any>;
    expect(saved).toMatchObject({ cron: '0 0 * * *', cronMaxKeep: 5, s3: { enabled: true, bucket: 'my-backups', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', accessKey: 'AKIA-TEST' } });
    expect(JSON.stringify(saved)).not.toContain('very-secret-value');

    // Opened again: the preset is selected, the secret field empty; a custom schedule shows its expression.
    await page.getByRole('button', { name: 'Backups settings' }).click();
    await expect.poll(() => dialog.getByLabel('Automatic backups', { exact: true }).inputValue()).toBe('0 0 * * *');
    expect(await dialog.getByLabel('Secret', { exact: true }).inputValue()).toBe('');
    expect(await page.content()).not.toContain('very-secret-value');
    // Nothing listens on port 9: the test answers with the API's error.
    await dialog.getByRole('button', { name: 'Test the S3 bucket' }).click();
    await page.getByRole('alert').filter({ hasText: /S3/ }).waitFor();
    await dialog.getByLabel('Automatic backups', { exact: true }).selectOption({ label: 'Custom schedule (cron expression)' });
    await dialog.getByLabel('Cron expression (UTC)').fill('not a schedule');
    await dialog.getByLabel('Keep the backups in an S3 bucket').uncheck();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => dialog.locator('.field-error').count()).toBeGreaterThan(0);
    await dialog.getByLabel('Cron expression (UTC)').fill('15 3 * * *');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    expect(((await d.g.admin.settings.getAll()).backups as Record<string, any>)).toMatchObject({ cron: '15 3 * * *', s3: { enabled: false } });
    expect(unexpected(problems)).toEqual([]);
  });
});
