/**
 * The collection editor's less common parts in a real browser, on both engines: auth
 * options (OTP, a token duration) read back through the SDK, a unique index built with
 * the index builder (a duplicate record is then refused), a view collection created
 * from a query, and an OAuth2 provider whose client secret is write-only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES } from '../support/galley.js';
import { useDashboard } from './support/dashboard.js';

async function save(page: Page, name: string) {
  await page.getByRole('button', { name: /^(Create|Save changes)$/ }).click();
  await page.getByRole('status').filter({ hasText: `Saved ${name}.` }).waitFor();
}

/** A fresh editor of the collection (not one still showing the previous save). */
async function edit(page: Page, url: string, name: string) {
  await page.goto(`${url}/_/#/collections/${name}/schema`);
  await page.reload();
  await page.getByRole('heading', { name: `Edit ${name}` }).waitFor();
}

describe.each(ENGINES)('collection editor extras on %s', (engine) => {
  const d = useDashboard(engine);
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await d.open('/collections'));
    page.setDefaultTimeout(8000);
  });

  it('saves auth options: OTP on and a token duration', async () => {
    await edit(page, d.g.url, 'users');
    await page.getByRole('tab', { name: 'Auth options' }).click();
    await page.getByLabel('Enable OTP').check();
    await page.getByLabel('OTP length').fill('6');
    await page.getByLabel('Auth token', { exact: true }).fill('3600');
    await save(page, 'users');
    const c = await d.g.admin.collections.getOne('users');
    expect(c.otp).toMatchObject({ enabled: true, length: 6 });
    expect(c.authToken).toMatchObject({ duration: 3600 });
    // Other options are untouched.
    expect(c.passwordAuth).toMatchObject({ enabled: true, identityFields: ['email'] });

    await edit(page, d.g.url, 'users');
    await page.getByRole('tab', { name: 'Auth options' }).click();
    expect(await page.getByLabel('Enable OTP').isChecked()).toBe(true);
    await expect(page.getByLabel('Auth token', { exact: true }).inputValue()).resolves.toBe('3600');
  });

  it('adds a unique index with the builder; a duplicate record is then refused', async () => {
    await d.g.admin.collections.create({ name: 'products', type: 'base', fields: [{ name: 'sku', type: 'text' }, { name: 'label', type: 'text' }] });
    await d.g.admin.collection('products').create({ sku: 'A-1', label: 'first' });
    await edit(page, d.g.url, 'products');
    await page.getByRole('tab', { name: 'Indexes' }).click();
    const builder = page.getByRole('group', { name: 'New index' });
    await builder.getByLabel('sku', { exact: true }).check();
    await builder.getByLabel('Unique', { exact: true }).check();
    await builder.getByRole('button', { name: 'Add index' }).click();
    await expect(page.getByLabel('Index 1', { exact: true }).inputValue()).resolves.toMatch(/^CREATE UNIQUE INDEX .* \(`sku`\)$/);
    await save(page, 'products');

    const c = await d.g.admin.collections.getOne('products');
    expect(c.indexes).toHaveLength(1);
    expect(c.indexes[0]).toMatch(/CREATE UNIQUE INDEX/i);
    await expect(d.g.admin.collection('products').create({ sku: 'A-1', label: 'second' })).rejects.toMatchObject({ status: 400 });
    await d.g.admin.collection('products').create({ sku: 'B-2', label: 'other' });
    expect(await d.g.admin.collection('products').getFullList()).toHaveLength(2);
  });

  it('creates a view collection from a query', async () => {
    await page.goto(`${d.g.url}/_/#/new-collection/view`);
    await page.getByLabel('Collection name').fill('product_labels');
    await page.getByRole('textbox', { name: 'View query' }).fill('SELECT id, label FROM products');
    await save(page, 'product_labels');
    const c = await d.g.admin.collections.getOne('product_labels');
    expect(c.type).toBe('view');
    expect(c.fields.map((f) => f.name)).toEqual(['id', 'label']);
    const rows = await d.g.admin.collection('product_labels').getFullList({ sort: 'label' });
    expect(rows.map((r) => r.label)).toEqual(['first', 'other']);
    expect(page.url()).toContain('#/collections/product_labels/schema');
  });

  it('adds an OAuth2 provider whose client secret is write-only', async () => {
    const secret = 'very-secret-client-secret';
    await edit(page, d.g.url, 'users');
    await page.getByRole('tab', { name: 'Auth options' }).click();
    await page.getByLabel('Enable OAuth2').check();
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByLabel('Provider name').fill('google');
    await page.getByLabel('Client ID').fill('client-one');
    await page.getByLabel('Client secret').fill(secret);
    await save(page, 'users');

    const stored = () => d.g.core.collections.get('users').model as unknown as { oauth2: { providers: { name: string; clientId: string; clientSecret: string }[] } };
    const c = await d.g.admin.collections.getOne('users');
    expect(c.oauth2).toMatchObject({ enabled: true, providers: [{ name: 'google', clientId: 'client-one' }] });
    expect(c.oauth2.providers[0]).not.toHaveProperty('clientSecret');
    expect(stored().oauth2.providers[0]).toMatchObject({ clientId: 'client-one', clientSecret: secret });
    // Not shown after the save, nor after a reload.
    await page.getByRole('tab', { name: 'Auth options' }).click();
    await expect(page.getByLabel('Client secret').inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(secret);
    await edit(page, d.g.url, 'users');
    await page.getByRole('tab', { name: 'Auth options' }).click();
    await expect(page.getByLabel('Client secret').inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(secret);

    // Saving again without typing the secret keeps it.
    await page.getByLabel('Client ID').fill('client-two');
    await save(page, 'users');
    expect(stored().oauth2.providers[0]).toMatchObject({ clientId: 'client-two', clientSecret: secret });
    expect((await d.g.admin.collections.getOne('users')).oauth2.providers[0]).toMatchObject({ clientId: 'client-two' });
    expect(problems.filter((p) => !/\b(400|404)\b/.test(p))).toEqual([]);
  });
});
