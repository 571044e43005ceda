/**
 * The example hook files of docs/examples/galley_hooks, loaded as `galley serve` loads
 * galley_hooks/ (TypeScript compiled at start), on both engines: a validating hook, a
 * mail hook (real SMTP), custom routes with auth helpers, a cron job. Plus hook-file
 * errors (file and line; the start refused) and --dev reloads keeping the last good set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/index.js';
import { ENGINES } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { failure } from './support/sdk.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { eventually } from './support/realtime.js';
import { killStarted, startServe } from './support/cli.js';

const EXAMPLES = fileURLToPath(new URL('../docs/examples/galley_hooks', import.meta.url));

describe.each(ENGINES)('example hook files on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    t = await startApp(engine, undefined, { hooksDir: EXAMPLES });
    smtp = await startSmtpCapture();
    await t.admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass } });
    const users = await t.admin.collections.getOne('users');
    await t.admin.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '',
      fields: [
        { name: 'title', type: 'text' }, { name: 'slug', type: 'text' }, { name: 'draft', type: 'bool' },
        { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('validates and completes records (validate-posts.ts)', async () => {
    const post = await t.client().collection('posts').create({ title: 'Hello, Galley World' });
    expect(post.slug).toBe('hello-galley-world');
    const err = await failure(t.client().collection('posts').create({ title: 'buy spam now' }));
    expect(err.status).toBe(400);
    expect(err.response.data.title.code).toBe('validation_spam');
  });

  it('sends a welcome mail after sign-up (welcome-mail.ts)', async () => {
    await t.client().collection('users').create({ email: 'new@example.com', password: 'new-user-pass', passwordConfirm: 'new-user-pass', name: 'Ada' });
    const mail = await smtp.next('new@example.com');
    expect(mail.decoded).toContain('Hello Ada, thanks for signing up.');
    // A failed sign-up sends nothing.
    await failure(t.client().collection('users').create({ email: 'bad@example.com', password: 'short', passwordConfirm: 'short' }));
    expect(smtp.count('bad@example.com')).toBe(0);
  });

  it('serves custom routes with the auth helpers, body parsing and fields (hello-route.ts)', async () => {
    expect(await t.client().send('/api/hello/Ada', {})).toEqual({ message: 'Hello Ada!' });
    expect(await t.client().send('/api/hello/Ada', { query: { fields: 'message:excerpt(5)' } })).toEqual({ message: 'Hello' });
    expect((await failure(t.client().send('/api/my/posts', {}))).status).toBe(401);

    const user = t.client();
    const auth = await user.collection('users').authWithPassword('new@example.com', 'new-user-pass');
    await t.admin.collection('posts').create({ title: 'by ada', author: auth.record.id });
    const mine = await user.send('/api/my/posts', { query: { expand: 'author' } });
    expect(mine.items.map((p: { title: string }) => p.title)).toEqual(['by ada']);
    expect(mine.items[0].expand.author.email).toBe('new@example.com'); // the owner sees their email

    expect((await failure(user.send('/api/admin/announce', { method: 'POST', body: { text: 'x' } }))).status).toBe(403);
    const res = await fetch(`${t.url}/api/admin/announce`, {
      method: 'POST', headers: { authorization: t.admin.authStore.token, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'News' }),
    });
    expect(res.status).toBe(201);
    const { id } = await res.json() as { id: string };
    expect((await t.admin.collection('posts').getOne(id)).title).toBe('News');
    // Anything else is still the JSON 404.
    expect((await fetch(`${t.url}/api/hello`)).status).toBe(404);
  });

  it('registers the cron job, listed and runnable on demand (nightly-job.ts)', async () => {
    const crons = await t.admin.crons.getFullList();
    expect(crons[0]).toEqual({ id: 'drafts-cleanup', expression: '0 3 * * *' });
    const draft = await t.admin.collection('posts').create({ title: 'a draft', draft: true });
    await t.admin.crons.run('drafts-cleanup');
    await eventually(async () => {
      expect((await t.admin.collection('posts').getList(1, 1, { filter: `id = "${draft.id}"` })).totalItems).toBe(0);
    });
  });
});

describe('galley serve with hook files', () => {
  afterAll(() => killStarted());

  it('loads --hooksDir at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-serve-hooks-'));
    try {
      const serve = await startServe(['--http=127.0.0.1:0', '--dir', dir, '--hooksDir', EXAMPLES]);
      expect(await (await fetch(`${serve.url}/api/hello/cli`)).json()).toEqual({ message: 'Hello cli!' });
      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hook file errors and reloads', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'galley-hooks-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start on a syntax error, naming the file and line', async () => {
    const hooks = join(dir, 'broken');
    cpSync(EXAMPLES, hooks, { recursive: true });
    writeFileSync(join(hooks, 'zz-broken.ts'), 'export default (app) => {\n  app.route("GET", "/x", () => {\n    return { a: 1 ;\n  });\n};\n');
    const app = createApp({ dir: join(dir, 'data1'), http: '127.0.0.1:0', hooksDir: hooks });
    await expect(app.start()).rejects.toThrow(/zz-broken\.ts:3:\d+/);
  });

  it('names the file and line of an error thrown while registering', async () => {
    const hooks = join(dir, 'throws');
    cpSync(EXAMPLES, hooks, { recursive: true });
    writeFileSync(join(hooks, 'zz-throws.ts'), 'export default () => {\n  const x: number = 1;\n  if (x) throw new Error("no config");\n};\n');
    const app = createApp({ dir: join(dir, 'data2'), http: '127.0.0.1:0', hooksDir: hooks });
    await expect(app.start()).rejects.toThrow(/zz-throws\.ts: no config \(at zz-throws\.ts:3:\d+\)/);
  });

  it('reloads changed hook files in dev mode and keeps the last good version on errors', async () => {
    const hooks = join(dir, 'dev');
    cpSync(join(EXAMPLES, 'hello-route.ts'), join(hooks, 'hello-route.ts'));
    const logs: string[] = [];
    const t = await startApp('sqlite', undefined, { hooksDir: hooks, dev: true, log: (m) => logs.push(m) });
    try {
      expect(await t.client().send('/api/hello/x', {})).toEqual({ message: 'Hello x!' });
      writeFileSync(join(hooks, 'hello-route.ts'), 'export default (app: any) => { app.route("GET", "/api/hello/:name", (e: any) => ({ v2: e.request.params.name })); };\n');
      await eventually(async () => expect(await t.client().send('/api/hello/x', {})).toEqual({ v2: 'x' }));
      writeFileSync(join(hooks, 'hello-route.ts'), 'export default (app: any) => { app.route("GET", "/api/hello/:name", ( => 1); };\n');
      await eventually(() => expect(logs.some((l) => l.startsWith('Error: hooks not reloaded') && l.includes('hello-route.ts:1:'))).toBe(true));
      expect(await t.client().send('/api/hello/x', {})).toEqual({ v2: 'x' }); // the last good version
    } finally {
      await t.close();
    }
  });
});
