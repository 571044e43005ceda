/**
 * A backup restored into the other engine: SQLite → PostgreSQL and PostgreSQL → SQLite
 * through the API (upload, then pb.backups.restore on a server of the other engine),
 * and SQLite → PostgreSQL with `galley backup restore KEY --dir … --db postgres://…`.
 * Every record of every collection is compared through the SDK (values of every field
 * type, insertion order), every file byte for byte, the settings, and a user's
 * password and tokens issued before the move still work after it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import PocketBase from 'pocketbase';
import { createPgDatabase, startGalley, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type Engine, type TestGalley } from './support/galley.js';
import { fileOf, form } from './support/files.js';
import { runCli } from './support/cli.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';

vi.setConfig({ testTimeout: 120_000 });

const USER_PASSWORD = 'a-user-password-1';
const bytesA = Buffer.from('first attachment\n'.repeat(300));
const bytesB = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

/** Builds an app with every kind of value on g; returns the tokens issued before the backup. */
async function populate(g: TestGalley): Promise<{ userToken: string; superuserToken: string }> {
  const tags = await g.admin.collections.create({ name: 'tags', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'label', type: 'text' }] });
  await g.admin.collections.create({
    name: 'things', type: 'base', listRule: '', viewRule: '',
    fields: [
      // Searchable: SQLite keeps an FTS5 table beside it, PostgreSQL an index; the target builds its own.
      { name: 'title', type: 'text', searchable: true },
      { name: 'n', type: 'number' },
      { name: 'flag', type: 'bool' },
      { name: 'data', type: 'json' },
      { name: 'when', type: 'date' },
      { name: 'kinds', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
      { name: 'kind', type: 'select', values: ['x', 'y'], maxSelect: 1 },
      { name: 'tags', type: 'relation', collectionId: tags.id, maxSelect: 5 },
      { name: 'body', type: 'editor' },
      { name: 'mail', type: 'email' },
      { name: 'site', type: 'url' },
      { name: 'where', type: 'geoPoint' },
      { name: 'docs', type: 'file', maxSelect: 3, maxSize: 1_000_000 },
      { name: 'created', type: 'autodate', onCreate: true },
    ],
    indexes: ['CREATE UNIQUE INDEX idx_things_title ON things (title)'],
  });
  await g.admin.collections.create({ name: 'counts', type: 'view', listRule: '', viewQuery: 'SELECT tags.id AS id, tags.label AS label FROM tags' });
  const tagIds: string[] = [];
  for (const label of ['red', 'green', 'blue']) tagIds.push((await g.admin.collection('tags').create({ label })).id);
  // Values that differ between the engines' storage: booleans, JSON of every shape (a
  // string that looks like JSON too), fractions, large and negative numbers, dates.
  const values = [
    { title: 'plain', n: 0, flag: false, data: null, when: '', kinds: [], kind: '', tags: [] },
    { title: 'full', n: 3.25, flag: true, data: { a: [1, 2, { b: 'c' }], d: null }, when: '2024-02-29 12:34:56.789Z', kinds: ['c', 'a'], kind: 'y', tags: [tagIds[2], tagIds[0]], body: '<p>hi &amp; bye</p>', mail: 'x@example.com', site: 'https://example.com/a?b=c', where: { lon: 12.5, lat: -45.25 } },
    { title: 'json string', n: -1e15, flag: true, data: '123', when: '1999-12-31 23:59:59.000Z', kinds: ['b'], kind: 'x', tags: [tagIds[1]] },
    { title: 'json scalars', n: 1e-7, data: [true, false, 0, 'x'], kinds: ['a', 'b', 'c'] },
    { title: 'json text of a number', data: '"123"' },
    { title: 'unicode ✓ "quotes" \' and \\', n: 42, data: 'plain text', body: 'ünïcödé 🚀' },
  ];
  for (const v of values) await g.admin.collection('things').create(v);
  for (let i = 0; i < 250; i++) await g.admin.collection('things').create({ title: `bulk ${i}`, n: i * 1.5, flag: i % 2 === 0, data: { i }, kinds: i % 3 ? ['a'] : [] });
  await g.admin.collection('things').create(form({ title: 'with files', docs: [fileOf(bytesA, 'a.txt', 'text/plain'), fileOf(bytesB, 'b.bin', 'application/octet-stream')] }));
  await g.admin.collection('users').create({ email: 'user@example.com', password: USER_PASSWORD, passwordConfirm: USER_PASSWORD, name: 'User One', verified: true });
  await g.admin.collection('users').create({ email: 'other@example.com', password: USER_PASSWORD, passwordConfirm: USER_PASSWORD, emailVisibility: true });
  await g.admin.settings.update({ meta: { appName: 'Moving App', senderAddress: 'app@example.com' } });
  const user = g.client();
  await user.collection('users').authWithPassword('user@example.com', USER_PASSWORD);
  return { userToken: user.authStore.token, superuserToken: g.admin.authStore.token };
}

/** Everything the app holds, through the API. */
async function snapshot(pb: PocketBase): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const c of await pb.collections.getFullList({ sort: 'name' })) {
    out[`collection ${c.name}`] = c;
    // @rowid: the insertion order must survive the move as well.
    out[c.name] = await pb.collection(c.name).getFullList({ sort: c.type === 'view' ? 'id' : '@rowid' });
  }
  out.settings = await pb.settings.getAll();
  return out;
}

async function expectSameFiles(from: PocketBase, to: PocketBase): Promise<number> {
  const fromToken = await from.files.getToken();
  const toToken = await to.files.getToken();
  let compared = 0;
  for (const record of await from.collection('things').getFullList({ filter: 'docs:length > 0' })) {
    for (const name of record.docs as string[]) {
      const a = Buffer.from(await (await fetch(from.files.getURL(record, name, { token: fromToken }))).arrayBuffer());
      const res = await fetch(to.files.getURL(record, name, { token: toToken }));
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(a)).toBe(true);
      compared++;
    }
  }
  return compared;
}

/** Tokens issued before the move, and the password, still work after it. */
async function expectAuthCarriedOver(url: string, tokens: { userToken: string; superuserToken: string }): Promise<void> {
  const user = new PocketBase(url);
  user.authStore.save(tokens.userToken);
  expect((await user.collection('users').authRefresh()).record.email).toBe('user@example.com');
  const superuser = new PocketBase(url);
  superuser.authStore.save(tokens.superuserToken);
  expect((await superuser.collections.getFullList()).length).toBeGreaterThan(0);
  const signIn = new PocketBase(url);
  expect((await signIn.collection('users').authWithPassword('user@example.com', USER_PASSWORD)).record.name).toBe('User One');
  await signIn.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
}

const other = (engine: Engine): Engine => (engine === 'sqlite' ? 'postgres' : 'sqlite');

describe.each(['sqlite', 'postgres'] as Engine[])('a %s backup restored through the API into the other engine', (engine) => {
  let source: TestGalley;
  let target: TestGalley;
  let tokens: { userToken: string; superuserToken: string };

  beforeAll(async () => {
    source = await startGalley(engine);
    tokens = await populate(source);
    await source.admin.backups.create('move.zip');
    target = await startGalley(other(engine));
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('restores every record, file, setting and credential', async () => {
    const token = await source.admin.files.getToken();
    const archive = Buffer.from(await (await fetch(source.admin.backups.getDownloadURL(token, 'move.zip'))).arrayBuffer());
    await target.admin.backups.upload({ file: fileOf(archive, 'move.zip', 'application/zip') });
    await target.admin.backups.restore('move.zip');
    // The target's own superuser token died with its data: the backup's one is valid now.
    target.admin.authStore.save(tokens.superuserToken);
    expect(await snapshot(target.admin)).toEqual(await snapshot(source.admin));
    expect(await expectSameFiles(source.admin, target.admin)).toBe(2);
    await expectAuthCarriedOver(target.url, tokens);
    // Full-text search works on the moved data (the target's own index).
    expect((await target.admin.collection('things').getFullList({ filter: 'search("quotes")' })).map((r) => r.title)).toEqual(['unicode ✓ "quotes" \' and \\']);
    // The moved app keeps working: writes, unique indexes, files.
    const made = await target.admin.collection('things').create(form({ title: 'after the move', flag: 'true', docs: [fileOf('new', 'n.txt', 'text/plain')] }));
    expect((await target.admin.collection('things').getFullList({ filter: 'search("after move")' })).map((r) => r.id)).toEqual([made.id]);
    expect((await target.admin.collection('things').getFullList({ sort: '-@rowid' }))[0]!.id).toBe(made.id);
    expect((await target.admin.collection('things').create({ title: 'plain' }).catch((e) => e)).status).toBe(400);
    // Rate limits work on the moved app (on PostgreSQL their counters live in a table of their own).
    await target.admin.settings.update({ rateLimits: { enabled: true, rules: [{ label: '/api/collections/tags/records', audience: '', duration: 60, maxRequests: 2 }] } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${target.url}/api/collections/tags/records`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});

/** A Galley served from an existing data directory / database, with a superuser client signed in. */
async function serveAt(dir: string, db: string): Promise<{ pb: PocketBase; core: GalleyCore; close: () => Promise<void> }> {
  const core = await GalleyCore.open({ dir, db });
  const app = await buildApp(core, { logError: (err) => console.error('unexpected 500 in test server:', err) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const pb = new PocketBase(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
  return { pb, core, close: async () => { await app.close(); await core.close(); } };
}

describe('galley backup restore KEY --db=postgres://… from a SQLite backup', () => {
  let source: TestGalley;
  let dir: string;
  let core: GalleyCore | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;

  beforeAll(async () => {
    source = await startGalley('sqlite');
    await populate(source);
    await source.admin.backups.create('move.zip');
  });
  afterAll(async () => {
    await app?.close();
    await core?.close();
    await source?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the app to PostgreSQL', async () => {
    // The backup copied to the machine that moves the app.
    dir = mkdtempSync(join(tmpdir(), 'galley-move-'));
    mkdirSync(join(dir, 'backups'));
    copyFileSync(join(source.dir, 'backups', 'move.zip'), join(dir, 'backups', 'move.zip'));
    const db = await createPgDatabase();
    const restored = await runCli(['backup', 'restore', 'move.zip', '--dir', dir, '--db', db], 90_000);
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toBe('restored move.zip\n');
    expect(restored.code).toBe(0);

    core = await GalleyCore.open({ dir, db });
    app = await buildApp(core, { logError: (err) => console.error('unexpected 500 in test server:', err) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    expect(core.store.dialect.name).toBe('postgres');
    const moved = new PocketBase(url);
    moved.autoCancellation(false);
    await moved.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    expect(await snapshot(moved)).toEqual(await snapshot(source.admin));
    expect(await expectSameFiles(source.admin, moved)).toBe(2);
  });
});

describe('galley backup restore PATH --dir from a PostgreSQL backup (back to SQLite)', () => {
  let source: TestGalley;
  let dir: string;
  let served: Awaited<ReturnType<typeof serveAt>> | undefined;

  beforeAll(async () => {
    source = await startGalley('postgres');
    await populate(source);
    await source.admin.backups.create('back.zip');
  });
  afterAll(async () => {
    await served?.close();
    await source?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the app to a SQLite data directory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'galley-back-'));
    const restored = await runCli(['backup', 'restore', join(source.dir, 'backups', 'back.zip'), '--dir', join(dir, 'data')], 90_000);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    served = await serveAt(join(dir, 'data'), '');
    expect(served.core.store.dialect.name).toBe('sqlite');
    expect(await snapshot(served.pb)).toEqual(await snapshot(source.admin));
    expect(await expectSameFiles(source.admin, served.pb)).toBe(2);
  });
});

describe.each(['sqlite', 'postgres'] as Engine[])('a %s backup the other engine cannot take', (engine) => {
  let source: TestGalley;
  let target: TestGalley;

  beforeAll(async () => {
    source = await startGalley(engine);
    await source.admin.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }] });
    await source.admin.collection('notes').create({ text: 'from the backup' });
    // A table of the app's own SQL (a hook's, say): not Galley's, so it cannot be converted.
    await source.core.store.exec('CREATE TABLE "custom_stuff" ("x" text)');
    await source.admin.backups.create('foreign.zip');
    target = await startGalley(other(engine));
    await target.admin.collections.create({ name: 'mine', type: 'base', listRule: '', fields: [{ name: 'x', type: 'text' }] });
    await target.admin.collection('mine').create({ x: 'kept' });
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('is refused with a 400 naming the table, changing nothing', async () => {
    const token = await source.admin.files.getToken();
    const archive = Buffer.from(await (await fetch(source.admin.backups.getDownloadURL(token, 'foreign.zip'))).arrayBuffer());
    await target.admin.backups.upload({ file: fileOf(archive, 'foreign.zip', 'application/zip') });
    const before = await snapshot(target.admin);
    const err = await target.admin.backups.restore('foreign.zip').catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^The backup cannot be restored: the backup holds tables that are not Galley's \(custom_stuff\)/);
    expect(await snapshot(target.admin)).toEqual(before);
    expect((await target.admin.collection('mine').getFullList()).map((r) => r.x)).toEqual(['kept']);
  });
});

