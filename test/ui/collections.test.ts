/**
 * The collections screens in a real browser, on both engines: create a collection
 * with many field types (created/updated added by default), rename a field and
 * change an option, rules (effect seen through a guest SDK client, syntax errors
 * next to the rule), dropping a field with its data-loss preview, deleting a
 * collection with typed-name confirmation, and the phone-width layout.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';

const FIELDS: [string, string][] = [
  ['Plain text', 'title'], ['Number', 'count'], ['Bool', 'published'], ['Select', 'status'],
  ['Relation', 'author'], ['File', 'cover'], ['JSON', 'meta'], ['Date/time', 'due'],
];

async function addField(page: Page, typeLabel: string, name: string) {
  await page.getByLabel('New field type').selectOption({ label: typeLabel });
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.getByLabel(/^Name of field/).last().fill(name);
}

async function save(page: Page, name: string) {
  await page.getByRole('button', { name: /^(Create|Save changes)$/ }).click();
  await expect(page.getByRole('status').textContent()).resolves.toBeTruthy();
  await page.getByRole('status').filter({ hasText: `Saved ${name}.` }).waitFor();
}

describe.each(ENGINES)('collections screens on %s', (engine) => {
  const d = useDashboard(engine);
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await d.open('/collections'));
    page.setDefaultTimeout(8000); // a failing step reports itself before the test times out
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
  });

  it('creates a collection with several field types, plus created/updated', async () => {
    await page.getByRole('link', { name: 'New collection', exact: true }).click();
    await page.getByLabel('Collection name').fill('posts');
    for (const [type, name] of FIELDS) await addField(page, type, name);
    const status = page.getByRole('group', { name: 'Field status' });
    await status.getByLabel('Values').fill('draft, live');
    await page.getByRole('group', { name: 'Field author' }).getByLabel('Collection').selectOption({ label: 'users' });
    await page.getByRole('group', { name: 'Field cover' }).getByLabel('Max files').fill('3');
    await page.getByRole('group', { name: 'Field count' }).getByLabel('Integers only').check();
    await save(page, 'posts');

    const c = await d.g.admin.collections.getOne('posts');
    const byName = Object.fromEntries(c.fields.map((f) => [f.name, f]));
    expect(c.fields.map((f) => f.name)).toEqual(['id', 'created', 'updated', ...FIELDS.map(([, n]) => n)]);
    expect(byName.created).toMatchObject({ type: 'autodate', onCreate: true, onUpdate: false });
    expect(byName.updated).toMatchObject({ type: 'autodate', onCreate: true, onUpdate: true });
    expect(byName.title!.type).toBe('text');
    expect(byName.count).toMatchObject({ type: 'number', onlyInt: true });
    expect(byName.published!.type).toBe('bool');
    expect(byName.status).toMatchObject({ type: 'select', values: ['draft', 'live'], maxSelect: 1 });
    expect(byName.author).toMatchObject({ type: 'relation', collectionId: (await d.g.admin.collections.getOne('users')).id });
    expect(byName.cover).toMatchObject({ type: 'file', maxSelect: 3 });
    expect(byName.meta!.type).toBe('json');
    expect(byName.due!.type).toBe('date');
    expect(page.url()).toContain('#/collections/posts/schema');
  });

  it('renames a field and changes an option', async () => {
    await page.reload(); // a fresh editor, not one still loading after the create
    await page.getByRole('heading', { name: 'Edit posts' }).waitFor();
    const title = page.getByRole('group', { name: 'Field title' });
    await title.getByLabel(/^Name of field/).fill('headline');
    const headline = page.getByRole('group', { name: 'Field headline' });
    await headline.getByRole('button', { name: 'Options of headline' }).click();
    await headline.getByLabel('Max length').fill('50');
    await save(page, 'posts');
    const field = (await d.g.admin.collections.getOne('posts')).fields.find((f) => f.name === 'headline');
    expect(field).toMatchObject({ type: 'text', max: 50 });
    expect((await d.g.admin.collections.getOne('posts')).fields.some((f) => f.name === 'title')).toBe(false);
  });

  it('changes a rule, with its effect on a guest client', async () => {
    await d.g.admin.collection('posts').create({ headline: 'hello' });
    const guest = d.g.client();
    await expect(guest.collection('posts').getList()).rejects.toMatchObject({ status: 403 });

    await page.getByRole('tab', { name: 'API rules' }).click();
    await page.getByRole('button', { name: 'Unlock list rule' }).click();
    await expect(page.getByLabel('List rule', { exact: true }).inputValue()).resolves.toBe('');
    await save(page, 'posts');
    expect((await d.g.admin.collections.getOne('posts')).listRule).toBe('');
    expect((await guest.collection('posts').getList()).items).toHaveLength(1);

    await page.getByRole('tab', { name: 'API rules' }).click();
    await page.getByRole('button', { name: 'Lock list rule' }).click();
    await save(page, 'posts');
    expect((await d.g.admin.collections.getOne('posts')).listRule).toBeNull();
    await expect(guest.collection('posts').getList()).rejects.toMatchObject({ status: 403 });
  });

  it('completes field names and shows rule errors next to the rule', async () => {
    await page.getByRole('tab', { name: 'API rules' }).click();
    await page.getByRole('button', { name: 'Unlock view rule' }).click();
    const rule = page.getByLabel('View rule', { exact: true });
    await rule.pressSequentially('head');
    await page.getByRole('listbox', { name: 'Suggestions for View rule' }).getByRole('button', { name: 'headline' }).click();
    await expect(rule.inputValue()).resolves.toBe('headline');
    await rule.pressSequentially(' = ');
    const message = page.locator('#rule-viewRule-msg');
    await message.getByText(/Syntax error/).waitFor(); // checked as you type
    await rule.pressSequentially("'x' && @request.au");
    const list = page.getByRole('listbox', { name: 'Suggestions for View rule' });
    await list.getByRole('button', { name: '@request.auth.', exact: true }).click();
    await list.getByRole('button', { name: '@request.auth.id', exact: true }).waitFor();
    // Passes the client-side syntax check; the API rejects the unknown collection on save.
    await rule.fill("headline = 'x' && @collection.nope.id = 1");
    await page.getByRole('button', { name: 'Save changes' }).click();
    await message.getByText(/Invalid rule/).waitFor();
    expect((await d.g.admin.collections.getOne('posts')).viewRule).toBeNull();
    await page.getByRole('button', { name: 'Lock view rule' }).click();
  });

  it('previews the data a dropped field takes with it, then drops it', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Remove count' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'This change deletes data' });
    await expect(dialog.textContent()).resolves.toContain('count');
    await page.keyboard.press('Escape'); // Escape cancels: nothing saved
    await dialog.waitFor({ state: 'hidden' });
    expect((await d.g.admin.collections.getOne('posts')).fields.some((f) => f.name === 'count')).toBe(true);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByRole('button', { name: 'Delete data and save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved posts.' }).waitFor();
    expect((await d.g.admin.collections.getOne('posts')).fields.some((f) => f.name === 'count')).toBe(false);
  });

  it('shows API field errors next to the field', async () => {
    await page.getByRole('link', { name: 'New collection', exact: true }).click();
    await page.getByLabel('Collection name').fill('bad');
    await addField(page, 'Plain text', 'collectionId');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('group', { name: 'Field collectionId' }).getByRole('alert').waitFor();
  });

  it('deletes a collection after the name is typed', async () => {
    await page.goto(`${d.g.url}/_/#/collections/posts/schema`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete collection posts' });
    const confirm = dialog.getByRole('button', { name: 'Delete collection' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the collection name to confirm').fill('posts');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: 'Deleted posts.' }).waitFor();
    await expect(d.g.admin.collections.getOne('posts')).rejects.toMatchObject({ status: 404 });
    expect(problems.filter((p) => !/\b(400|403|404)\b/.test(p))).toEqual([]);
  });

  it('fits a 390 px wide screen', async () => {
    const phone = await d.open('/collections/users/schema', { width: 390, height: 800 });
    await phone.page.getByRole('group', { name: 'Field email', exact: true }).waitFor();
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await phone.page.getByRole('tab', { name: 'Auth options' }).click();
    await phone.page.getByLabel('Enable OTP').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
