/**
 * Every dashboard screen in both themes, on both engines, checked with axe-core: no
 * serious or critical violations (contrast, names, roles, labels…). The walk also opens
 * the states a screen can be in (field options, each editor tab, a dialog, a toast).
 * With GALLEY_SCREENSHOTS=1 it saves the README's screenshots (docs/screenshots/, SQLite
 * run) of the main screens in both themes.
 */
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { ENGINES } from '../support/galley.js';
import { seriousViolations, type Finding } from './support/axe.js';
import { useDashboard } from './support/dashboard.js';

const SHOTS = process.env.GALLEY_SCREENSHOTS === '1';
const THEMES = ['light', 'dark'] as const;

interface Screen {
  name: string;
  path: string | ((ids: Record<string, string>) => string);
  signedIn?: boolean;
  /** Waits until the screen is shown, then puts it in the state to check. */
  ready: (page: Page) => Promise<void>;
  /** The screenshot's file name (without theme), for the README. */
  shot?: string;
}

const heading = (name: string) => async (page: Page) => { await page.getByRole('heading', { name }).first().waitFor(); };

const SCREENS: Screen[] = [
  { name: 'sign-in', path: '/login', signedIn: false, ready: heading('Sign in'), shot: 'login' },
  { name: 'first-run install', path: '/install/some-token', signedIn: false, ready: heading('Create the first superuser'), shot: 'install' },
  { name: 'password reset link', path: '/auth/confirm-password-reset/a.b.c', signedIn: false, ready: heading('Reset password') },
  { name: 'bad verification link', path: '/auth/confirm-verification/not.a.token', signedIn: false, ready: async (p) => { await p.getByRole('alert').waitFor(); } },
  { name: 'OAuth2 redirect', path: '/auth/oauth2-redirect-success', signedIn: false, ready: heading('Signed in') },
  { name: 'collections', path: '/collections', ready: async (p) => { await p.getByText('No collection selected').waitFor(); } },
  {
    name: 'collection fields with options open', path: '/collections/posts/schema', shot: 'collections',
    ready: async (p) => {
      await heading('Edit posts')(p);
      await p.getByRole('button', { name: 'Options of author' }).click();
      await p.getByRole('group', { name: 'Field author' }).getByLabel('Collection').waitFor();
    },
  },
  {
    name: 'collection rules', path: '/collections/posts/schema', shot: 'rules',
    ready: async (p) => { await heading('Edit posts')(p); await p.getByRole('tab', { name: 'API rules' }).click(); await p.getByLabel('List rule', { exact: true }).waitFor(); },
  },
  {
    name: 'collection indexes', path: '/collections/posts/schema',
    ready: async (p) => { await heading('Edit posts')(p); await p.getByRole('tab', { name: 'Indexes' }).click(); await p.getByRole('group', { name: 'New index' }).waitFor(); },
  },
  {
    name: 'auth options', path: '/collections/users/schema',
    ready: async (p) => { await heading('Edit users')(p); await p.getByRole('tab', { name: 'Auth options' }).click(); await p.getByLabel('Enable OTP').waitFor(); },
  },
  { name: 'new view', path: '/new-collection/view', ready: heading('New view collection') },
  {
    name: 'delete collection dialog', path: '/collections/posts/schema',
    ready: async (p) => { await heading('Edit posts')(p); await p.getByRole('button', { name: 'Delete', exact: true }).click(); await p.getByRole('dialog').waitFor(); },
  },
  {
    name: 'saved toast', path: '/collections/authors/schema',
    ready: async (p) => { await heading('Edit authors')(p); await p.getByRole('button', { name: 'Save changes' }).click(); await p.getByRole('status').filter({ hasText: 'Saved authors.' }).waitFor(); },
  },
  {
    name: 'records', path: '/collections/posts/records', shot: 'records',
    ready: async (p) => { await heading('posts records')(p); await p.locator('.rec-table img').first().waitFor(); },
  },
  { name: 'record form', path: (ids) => `/collections/posts/records/${ids.post}`, ready: async (p) => { await p.locator('#rec-field-body').waitFor(); }, shot: 'record' },
  { name: 'new record', path: '/collections/posts/records/new', ready: heading('New posts record') },
  { name: 'auth record with impersonation', path: (ids) => `/collections/users/records/${ids.user}`, ready: async (p) => { await p.getByRole('button', { name: 'Generate token' }).waitFor(); } },
  ...['application', 'mail', 'superusers', 'rate-limits', 'batch', 'trusted-proxy', 'superuser-ips', 'embeddings', 'ai'].map((section): Screen => ({
    name: `settings ${section}`, path: `/settings/${section}`, shot: section === 'application' ? 'settings' : undefined,
    ready: async (p) => { await p.locator('.settings-form h2').first().waitFor(); await p.getByText('Loading…').waitFor({ state: 'detached' }); },
  })),
  { name: 'overview', path: '/', shot: 'overview', ready: async (p) => { await p.locator('[data-stat="Requests per minute"]').waitFor(); } },
  {
    name: 'logs', path: '/logs', shot: 'logs',
    ready: async (p) => {
      await heading('Logs')(p);
      await p.getByLabel('Include requests by superusers').check();
      await p.locator('.logs-open').first().waitFor();
      await p.locator('.logs-chart canvas').first().waitFor();
    },
  },
  {
    name: 'log entry dialog', path: '/logs',
    ready: async (p) => {
      await p.getByLabel('Include requests by superusers').check();
      await p.locator('.logs-open').first().click();
      await p.getByRole('dialog', { name: 'Log entry' }).waitFor();
    },
  },
  {
    name: 'logs settings dialog', path: '/logs',
    ready: async (p) => { await p.getByRole('button', { name: 'Logs settings' }).click(); await p.getByLabel('Days to keep logs').waitFor(); },
  },
  { name: 'playground', path: '/playground', ready: async (p) => { await heading('Playground')(p); await p.getByRole('status', { name: 'Acting as' }).waitFor(); } },
  { name: 'backups', path: '/backups', ready: async (p) => { await heading('Backups')(p); await p.locator('.backups-table tbody tr').first().waitFor(); } },
  {
    name: 'restore backup dialog', path: '/backups',
    ready: async (p) => { await p.getByRole('button', { name: 'Restore a11y.zip' }).click(); await p.getByRole('dialog', { name: 'Restore this backup?' }).waitFor(); },
  },
  {
    name: 'backups settings dialog', path: '/backups',
    ready: async (p) => {
      await p.getByRole('button', { name: 'Backups settings' }).click();
      await p.getByLabel('Keep the backups in an S3 bucket').check();
      await p.getByLabel('Bucket', { exact: true }).waitFor();
    },
  },
  { name: 'not found', path: '/no/such/page', ready: heading('Page not found') },
];

describe.each(ENGINES)('accessibility (axe-core) on %s', (engine) => {
  const d = useDashboard(engine);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a7bd5' } }).png().toBuffer();
    const authors = await d.g.admin.collections.create({ name: 'authors', type: 'base', fields: [{ name: 'name', type: 'text', presentable: true }] });
    await d.g.admin.collections.create({
      name: 'posts', type: 'base', listRule: '@request.auth.id != "" && status = "live"', viewRule: '',
      indexes: ['CREATE INDEX `idx_posts_title` ON `posts` (`title`)'],
      fields: [
        { name: 'title', type: 'text', required: true, presentable: true },
        { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
        { name: 'views', type: 'number' },
        { name: 'featured', type: 'bool' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'cover', type: 'file', maxSelect: 1 },
        { name: 'meta', type: 'json' },
        { name: 'body', type: 'editor' },
        { name: 'created', type: 'autodate', onCreate: true },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
      ],
    });
    const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
    const authorIds = [];
    for (const name of names) authorIds.push((await d.g.admin.collection('authors').create({ name })).id);
    const titles = ['Launch notes', 'Indexing on SQLite', 'Rules in practice', 'Dark mode', 'Release 0.2', 'Field guide'];
    for (const [i, title] of titles.entries()) {
      const rec = await d.g.admin.collection('posts').create({
        title, status: i % 3 ? 'live' : 'draft', views: (i + 1) * 37, featured: i % 2 === 0, author: authorIds[i % 3],
        meta: { tags: ['docs', `t${i}`], weight: i }, body: `<p>About <strong>${title}</strong>.</p>`,
        cover: new File([new Uint8Array(png)], `cover-${i}.png`, { type: 'image/png' }),
      });
      ids.post ??= rec.id;
    }
    ids.user = (await d.g.admin.collection('users').create({ email: 'reader@example.com', password: 'reader-pass-1', passwordConfirm: 'reader-pass-1', name: 'Reader' })).id;
    await d.g.admin.backups.create('a11y.zip');
  });

  for (const theme of THEMES) {
    it(`has no serious or critical violations on any screen, ${theme} theme`, async () => {
      const found: Record<string, Finding[]> = {};
      const signedIn = await d.open('/collections', { colorScheme: theme });
      const signedOut = await d.open('/login', { colorScheme: theme, signedIn: false });
      for (const s of SCREENS) {
        const page = s.signedIn === false ? signedOut.page : signedIn.page;
        page.setDefaultTimeout(8000);
        const path = typeof s.path === 'function' ? s.path(ids) : s.path;
        await page.goto(`${d.g.url}/_/#${path}`);
        await page.reload(); // each screen from a fresh document: no dialog or toast left from the one before
        await s.ready(page);
        expect(await page.evaluate(() => {
          const [r, g, b] = (getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g) ?? []).map(Number);
          return r! + g! + b! < 3 * 128 ? 'dark' : 'light';
        })).toBe(theme);
        const v = await seriousViolations(page);
        if (v.length) found[s.name] = v;
        if (SHOTS && engine === 'sqlite' && s.shot) {
          mkdirSync('docs/screenshots', { recursive: true });
          await page.mouse.move(0, 0);
          await page.screenshot({ path: `docs/screenshots/${s.shot}-${theme}.png` });
        }
      }
      expect(found).toEqual({});
      expect(signedIn.problems.filter((p) => !/\b(400|404)\b/.test(p))).toEqual([]);
    }, 240_000); // 30-odd screens: over two minutes on a loaded machine
  }
});
