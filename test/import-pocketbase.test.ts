/**
 * `galley import pocketbase` end to end on PocketBase's own test data, on SQLite and
 * PostgreSQL: the import's report and verification, then a Galley started on the
 * target, used through the pocketbase SDK: users and superusers sign in with their
 * original (bcrypt) passwords, which are then rehashed to argon2id; records are listed
 * and expanded under their rules; files download; a token signed the way PocketBase
 * signs them is accepted. Also the verification catching a changed row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import PocketBase from 'pocketbase';
import { ENGINES, createPgDatabase } from './support/galley.js';
import { copyPbFixture, PB_PASSWORD, withPbDb } from './support/pocketbase-fixture.js';
import { failure } from './support/sdk.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';
import { importPocketBase } from '../src/import/pocketbase/import-pocketbase.js';
import { formatReport, type ImportReport } from '../src/import/pocketbase/report.js';
import { PbSource } from '../src/import/pocketbase/source.js';
import { checkTable } from '../src/import/pocketbase/verify.js';

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** A token as PocketBase's core/record_tokens.go makes it: HS256 over tokenKey + the collection's authToken secret. */
function pocketBaseToken(claims: Record<string, unknown>, signingKey: string): string {
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', signingKey).update(head).digest('base64url')}`;
}

describe.each(ENGINES)('import pocketbase (%s)', (engine) => {
  let pbData: string;
  let dir: string;
  let dbUrl = '';
  let report: ImportReport;
  let core: GalleyCore;
  let url: string;
  let close: () => Promise<void>;
  const client = () => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    return pb;
  };
  const storedHash = async (collection: string, id: string) =>
    (await core.store.get(`SELECT "password", "tokenKey" FROM "${collection}" WHERE "id" = ${core.store.dialect.placeholder(1)}`, [id]))!;

  beforeAll(async () => {
    pbData = copyPbFixture();
    dir = mkdtempSync(join(tmpdir(), 'galley-import-'));
    if (engine === 'postgres') dbUrl = await createPgDatabase();
    report = await importPocketBase({ source: pbData, dir, db: dbUrl });
    core = await GalleyCore.open({ dir, db: dbUrl });
    const app = await buildApp(core, { logError: (err) => console.error('unexpected 500 in test server:', err) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    close = async () => {
      await app.close();
      await core.close();
    };
  });
  afterAll(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dirname(pbData), { recursive: true, force: true });
  });

  it('reports every collection with its records and files, what was skipped, and a matching verification', () => {
    const byName = Object.fromEntries(report.collections.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['_authOrigins', '_externalAuths', '_superusers', 'clients', 'demo1', 'demo2', 'demo3', 'demo4', 'demo5', 'nologin', 'numeric_id_view', 'users', 'view1', 'view2']);
    expect(byName.users).toMatchObject({ type: 'auth', records: 3, files: 2 });
    expect(byName.demo1).toMatchObject({ type: 'base', records: 3, files: 7 });
    expect(byName._superusers).toMatchObject({ records: 4 });
    expect(byName._authOrigins).toMatchObject({ records: 5 });
    // Every settings section PocketBase has, backups included, is one Galley has too: none is skipped.
    expect(report.skipped.map((s) => s.name).sort()).toEqual(['_mfas', '_otps']);
    expect(report.notExecuted.migrations).toContain('1772312824_updated_demo3.js');
    expect(report.checks.length).toBe(15);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.checks.find((c) => c.table === 'demo1')).toMatchObject({ sourceRows: 3, targetRows: 3 });
    const text = formatReport(report);
    expect(text).toContain('all tables match');
    expect(text).toContain('_mfas: pending MFA sessions are short-lived');
  });

  it('keeps collection ids, field ids, rules, indexes and token secrets', async () => {
    const users = core.collections.get('users').model;
    expect(users.id).toBe('_pb_users_auth_');
    expect(users.viewRule).toBe('id = @request.auth.id');
    expect(users.authToken!.secret).toBe('PjVU4hAV7CZIWbCByJHkDcMUlSEWCLI6M5aWSZOpEq0a3rYxKT');
    // every field of every imported collection keeps its id (views: the fields derived again from the query)
    const pbFields = withPbDb(pbData, (db) => db.prepare(`SELECT name, fields FROM _collections`).all() as { name: string; fields: string }[]);
    for (const { name, fields } of pbFields.filter((r) => !['_mfas', '_otps'].includes(r.name))) {
      const expected = (JSON.parse(fields) as { id: string; name: string }[]).map((f) => `${f.name}:${f.id}`);
      expect(core.collections.get(name).model.fields.map((f) => `${f.name}:${f.id}`), name).toEqual(expected);
    }
    expect(users.indexes).toContain('CREATE UNIQUE INDEX `__pb_users_auth__username_idx` ON `users` (username)');
    expect(core.collections.get('demo3').model.listRule).toContain('@request.auth.collectionName != "users"');
    expect(core.collections.get('view2').model.viewQuery).toContain('from view1');
  });

  it('superusers sign in with their PocketBase password; the settings and applied migrations came along', async () => {
    const admin = client();
    await admin.collection('_superusers').authWithPassword('test@example.com', PB_PASSWORD);
    const settings = await admin.settings.getAll();
    expect(settings.meta.appName).toBe('acme_test');
    expect(settings.smtp.host).toBe('smtp.example.com');
    expect(settings.rateLimits.rules).toHaveLength(4);
    const applied = await core.store.all(`SELECT "file" FROM "_migrations"`);
    expect(applied.map((r) => r.file)).toContain('1772312824_updated_demo3.js');
    // superusers list and expand everything: demo1.rel_many → users
    const list = await admin.collection('demo1').getList(1, 10, { expand: 'rel_many', sort: 'created' });
    expect(list.totalItems).toBe(3);
    const withRel = list.items.find((r) => r.id === '84nmscqy84lsi1t')!;
    expect(withRel.rel_many).toEqual(['oap640cot4yru2s']);
    expect(withRel.expand?.rel_many?.[0]?.email).toBe('test2@example.com');
    expect(withRel.bool).toBe(true);
    expect(withRel.file_many).toHaveLength(5);
  });

  it('users sign in with their PocketBase password and see records as the rules say', async () => {
    // users has MFA on in the fixture: a password alone is the first of two steps, as in PocketBase
    const mfa = (await failure(client().collection('users').authWithPassword('test2@example.com', PB_PASSWORD)));
    expect(mfa.status).toBe(401);
    expect(typeof mfa.response.mfaId).toBe('string');
    const admin = client();
    await admin.collection('_superusers').authWithPassword('test@example.com', PB_PASSWORD);
    await admin.collections.update('users', { mfa: { enabled: false } });
    const user = client();
    const auth = await user.collection('users').authWithPassword('test2@example.com', PB_PASSWORD);
    expect(auth.record.id).toBe('oap640cot4yru2s');
    expect((await user.collection('users').getOne('oap640cot4yru2s')).username).toBe('test2_username');
    expect((await failure(user.collection('users').getOne('4q1xlclmfloku33'))).status).toBe(404);
    // demo2 is public; demo3 is for signed-in records that are not users
    expect((await client().collection('demo2').getFullList()).map((r) => r.title).sort()).toEqual(['test1', 'test2', 'test3']);
    expect((await user.collection('demo3').getList(1, 10)).totalItems).toBe(0);
    const other = client();
    await other.collection('clients').authWithPassword('test@example.com', PB_PASSWORD);
    expect((await other.collection('demo3').getList(1, 10)).totalItems).toBe(4);
    // clients' authRule "verified=true" still applies
    expect((await failure(client().collection('clients').authWithPassword('test2@example.com', PB_PASSWORD))).status).toBe(403);
    // a wrong password is refused as ever
    expect((await failure(client().collection('users').authWithPassword('test2@example.com', 'wrong-password'))).status).toBe(400);
    // views: view2 reads view1 and is public
    expect((await client().collection('view2').getList(1, 10)).totalItems).toBe(3);
  });

  it('rehashes a bcrypt password to argon2id at the first sign-in, keeping the tokenKey; the next sign-in works', async () => {
    // (MFA of users was turned off by the test before)
    const before = await storedHash('users', 'bgs820n361vj1qd');
    expect(String(before.password)).toMatch(/^\$2a\$13\$/);
    await client().collection('users').authWithPassword('test3@example.com', PB_PASSWORD);
    const after = await storedHash('users', 'bgs820n361vj1qd');
    expect(String(after.password)).toMatch(/^\$argon2id\$/);
    expect(after.tokenKey).toBe(before.tokenKey);
    const again = client();
    await again.collection('users').authWithPassword('test3@example.com', PB_PASSWORD);
    expect(again.authStore.record?.id).toBe('bgs820n361vj1qd');
    expect((await failure(client().collection('users').authWithPassword('test3@example.com', 'not-the-password'))).status).toBe(400);
  });

  it('accepts a token signed as PocketBase signs them, also after the password was rehashed', async () => {
    const tokenKey = withPbDb(pbData, (db) => (db.prepare(`SELECT tokenKey FROM users WHERE id = 'oap640cot4yru2s'`).get() as { tokenKey: string }).tokenKey);
    const secret = withPbDb(pbData, (db) => JSON.parse((db.prepare(`SELECT options FROM _collections WHERE name = 'users'`).get() as { options: string }).options).authToken.secret as string);
    const claims = { id: 'oap640cot4yru2s', type: 'auth', collectionId: '_pb_users_auth_', refreshable: true, exp: Math.floor(Date.now() / 1000) + 3600 };
    const token = pocketBaseToken(claims, tokenKey + secret);
    const res = await fetch(`${url}/api/collections/users/records/oap640cot4yru2s`, { headers: { Authorization: token } });
    expect(res.status).toBe(200);
    expect((await res.json()).email).toBe('test2@example.com');
    const refreshed = await fetch(`${url}/api/collections/users/auth-refresh`, { method: 'POST', headers: { Authorization: token } });
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json()).record.id).toBe('oap640cot4yru2s');
    // signed with another secret, the same claims are a guest's
    const forged = pocketBaseToken(claims, tokenKey + 'another-secret');
    const refused = await fetch(`${url}/api/collections/users/records/oap640cot4yru2s`, { headers: { Authorization: forged } });
    expect(refused.status).toBe(404);
    await refused.arrayBuffer();
  });

  it('serves the imported files, and makes thumbnails again', async () => {
    const admin = client();
    await admin.collection('_superusers').authWithPassword('test2@example.com', PB_PASSWORD);
    const user = await admin.collection('users').getOne('4q1xlclmfloku33');
    expect(user.avatar).toBe('300_1SEi6Q6U72.png');
    const res = await fetch(admin.files.getURL(user, user.avatar));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const original = readFileSync(join(pbData, 'storage', '_pb_users_auth_', '4q1xlclmfloku33', '300_1SEi6Q6U72.png'));
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
    const thumb = await fetch(admin.files.getURL(user, user.avatar, { thumb: '70x50' }));
    expect(thumb.status).toBe(200);
    expect(Buffer.from(await thumb.arrayBuffer()).equals(original)).toBe(false);
    const demo3 = await admin.collection('demo3').getOne('lcl9d87w22ml6jy');
    const text = await fetch(admin.files.getURL(demo3, demo3.files[0]));
    expect(await text.text()).toBe(readFileSync(join(pbData, 'storage', 'wzlqyes4orhoygb', 'lcl9d87w22ml6jy', demo3.files[0]), 'utf8'));
  });

  it('the verification catches a row that differs from data.db', async () => {
    const source = PbSource.open(pbData);
    try {
      const demo2 = core.collections.get('demo2');
      expect((await checkTable(core.store, core.store.dialect, source, demo2)).ok).toBe(true);
      await core.store.run(`UPDATE "demo2" SET "title" = 'changed' WHERE "id" = 'llvuca81nly1qls'`);
      const check = await checkTable(core.store, core.store.dialect, source, demo2);
      expect(check.ok).toBe(false);
      expect(check.sourceRows).toBe(check.targetRows);
      expect(check.sourceHash).not.toBe(check.targetHash);
      await core.store.run(`UPDATE "demo2" SET "title" = 'test1' WHERE "id" = 'llvuca81nly1qls'`);
    } finally {
      source.close();
    }
  });
});
