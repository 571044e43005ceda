/**
 * `galley import pocketbase` through the built CLI (dist/cli/main.js): --dir and --db,
 * --dry-run, --encryption-key, --force, and its bad inputs (not a pb_data folder,
 * pre-0.23 data, encrypted settings without the key, a non-empty target, an
 * unwritable target, a damaged data.db, records that cannot be copied): each is one
 * line on stderr and leaves the target as it was.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createPgDatabase } from './support/galley.js';
import { killStarted, lines, runCli, type CliResult } from './support/cli.js';
import { copyPbFixture, withPbDb } from './support/pocketbase-fixture.js';
import { GalleyCore } from '../src/core/galley-core.js';

// Each test runs the CLI several times, a process start each (seconds apiece on a busy machine).
vi.setConfig({ testTimeout: 120_000 });

function expectOneLineError(r: CliResult, ...mentions: string[]) {
  expect(r.code, `stdout: ${r.stdout} stderr: ${r.stderr}`).not.toBe(0);
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const m of mentions) expect(r.stderr).toContain(m);
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let tmp: string;
const sources: string[] = [];
const source = () => {
  const dir = copyPbFixture();
  sources.push(dirname(dir));
  return dir;
};
let n = 0;
const newDir = () => join(tmp, `target${++n}`);
const importCli = (...args: string[]) => runCli(['import', 'pocketbase', ...args], 60_000);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'galley-import-cli-'));
});
afterEach(() => killStarted());
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const s of sources) rmSync(s, { recursive: true, force: true });
});

describe('galley import pocketbase', () => {
  it('takes --dir and --db, --encryption-key, --dry-run and --force', async () => {
    const r = await runCli(['import', 'pocketbase', '--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const flag of ['<path>', '--dir <dir>', '--db <url>', '--encryption-key <key>', '--dry-run', '--force']) expect(r.stdout).toContain(flag);
  });

  it('imports into --dir and prints the report; a second import into it is refused and changes nothing', async () => {
    const dir = newDir();
    const r = await importCli(source(), '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Imported ');
    expect(r.stdout).toMatch(/users\s+auth\s+3\s+2/);
    expect(r.stdout).toContain('_mfas: pending MFA sessions are short-lived');
    expect(r.stdout).toContain('1772312824_updated_demo3.js');
    expect(r.stdout).toContain('all tables match');
    expect(existsSync(join(dir, 'storage', '_pb_users_auth_', '4q1xlclmfloku33', '300_1SEi6Q6U72.png'))).toBe(true);
    expect(existsSync(join(dir, 'storage', '_pb_users_auth_', '4q1xlclmfloku33', 'thumbs_300_1SEi6Q6U72.png'))).toBe(false);

    const before = sha(join(dir, 'data.db'));
    const again = await importCli(source(), '--dir', dir);
    expectOneLineError(again, 'already holds', 'collections demo1', '--force');
    expect(sha(join(dir, 'data.db'))).toBe(before);

    // --force replaces what the import brings, and keeps the target's own collections and views
    const core = await GalleyCore.open({ dir, db: '' });
    await core.collections.create({ name: 'mine', type: 'base', fields: [{ name: 'note', type: 'text' }] });
    await core.collections.create({ name: 'titles', type: 'view', viewQuery: 'SELECT id, title FROM demo2' });
    await core.close();
    const forced = await importCli(source(), '--dir', dir, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('all tables match');
    const after = await GalleyCore.open({ dir, db: '' });
    try {
      expect(after.collections.find('mine')).toBeDefined();
      expect(after.collections.get('titles').model.viewQuery).toBe('SELECT id, title FROM demo2');
      expect((await after.store.all(`SELECT "title" FROM "titles"`)).length).toBe(3);
    } finally {
      await after.close();
    }
  });

  it('imports into --db (PostgreSQL), refuses a second import there and leaves it as it was', async () => {
    const db = await createPgDatabase();
    const dir = newDir();
    const r = await importCli(source(), '--db', db, '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('all tables match');
    const count = async () => {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      try {
        return (await c.query(`SELECT (SELECT count(*) FROM "_collections")::int AS c, (SELECT count(*) FROM "users")::int AS u`)).rows[0];
      } finally {
        await c.end();
      }
    };
    const before = await count();
    expect(before).toEqual({ c: 14, u: 3 });
    expectOneLineError(await importCli(source(), '--db', db, '--dir', dir), 'already holds');
    expect(await count()).toEqual(before);
  });

  it('--dry-run prints the report and writes nothing', async () => {
    const dir = newDir();
    const r = await importCli(source(), '--dir', dir, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing was written');
    expect(r.stdout).toContain('all tables match');
    expect(existsSync(dir)).toBe(false);
    const db = await createPgDatabase();
    const onPg = await importCli(source(), '--db', db, '--dir', newDir(), '--dry-run');
    expect(onPg.code, onPg.stderr).toBe(0);
    expect(onPg.stdout).toContain('all tables match');
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    expect((await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(0);
    await c.end();
  });

  it('decrypts settings encrypted by PocketBase with --encryption-key, and refuses them without it', async () => {
    const key = randomBytes(16).toString('hex'); // 32 characters, as PocketBase wants
    const pbData = source();
    withPbDb(pbData, (db) => {
      const row = db.prepare(`SELECT value FROM _params WHERE id = 'settings'`).get() as { value: string };
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), nonce);
      const sealed = Buffer.concat([nonce, cipher.update(row.value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      db.prepare(`UPDATE _params SET value = ? WHERE id = 'settings'`).run(sealed.toString('base64'));
    });
    const dir = newDir();
    expectOneLineError(await importCli(pbData, '--dir', dir), 'encrypted', '--encryption-key');
    expect(existsSync(dir)).toBe(false);
    expectOneLineError(await importCli(pbData, '--dir', dir, '--encryption-key', 'x'.repeat(32)), 'cannot decrypt');
    expect(existsSync(dir)).toBe(false);
    const r = await importCli(pbData, '--dir', dir, '--encryption-key', key);
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(join(dir, 'data.db'), { readonly: true });
    const settings = JSON.parse((db.prepare(`SELECT value FROM _params WHERE id = 'settings'`).get() as { value: string }).value);
    db.close();
    expect(settings.meta.appName).toBe('acme_test');
  });

  it('refuses what is not a pb_data folder, and pre-0.23 data, leaving no target behind', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const dir = newDir();
    expectOneLineError(await importCli(empty, '--dir', dir), 'not a PocketBase pb_data folder');
    expectOneLineError(await importCli(join(tmp, 'missing'), '--dir', dir), 'not a directory');
    const old = join(tmp, 'old_pb_data');
    mkdirSync(old);
    const db = new Database(join(old, 'data.db'));
    db.exec(`CREATE TABLE _admins (id TEXT PRIMARY KEY); CREATE TABLE _collections (id TEXT PRIMARY KEY, schema TEXT); CREATE TABLE _params (id TEXT, value TEXT)`);
    db.close();
    expectOneLineError(await importCli(old, '--dir', dir), 'older than 0.23', 'PocketBase 0.23 or newer');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a damaged data.db', async () => {
    const pbData = source();
    // A clean single file (no WAL), then a page in its middle overwritten.
    withPbDb(pbData, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    withPbDb(pbData, (db) => db.pragma('journal_mode = DELETE'));
    const fd = openSync(join(pbData, 'data.db'), 'r+');
    writeSync(fd, randomBytes(4096), 0, 4096, 4096 * 3);
    closeSync(fd);
    const dir = newDir();
    expectOneLineError(await importCli(pbData, '--dir', dir), 'data.db');
    expect(existsSync(dir)).toBe(false);
    writeFileSync(join(pbData, 'data.db'), 'this is not a database');
    expectOneLineError(await importCli(pbData, '--dir', dir), 'cannot read');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an unwritable target', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    expectOneLineError(await importCli(source(), '--dir', join(file, 'data')), 'cannot be written');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('a failure while copying rolls everything back: no tables, no files, the target as it was', async () => {
    const pbData = source();
    // Two demo2 records with one title: the unique index the collection declares fails in the target.
    withPbDb(pbData, (db) => {
      db.exec(`DROP INDEX IF EXISTS idx_unique_demo2_title`);
      db.exec(`UPDATE demo2 SET title = 'same'`);
    });
    const dir = newDir();
    mkdirSync(dir);
    expectOneLineError(await importCli(pbData, '--dir', dir), 'demo2', 'nothing was imported');
    expect(readdirSync(dir)).toEqual([]);
    const db = await createPgDatabase();
    const pgDir = newDir();
    expectOneLineError(await importCli(pbData, '--db', db, '--dir', pgDir), 'demo2');
    expect(existsSync(pgDir)).toBe(false);
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    expect((await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(0);
    await c.end();
  });

  it('a view PostgreSQL cannot run is reported by name with the reason, and the rest is imported', async () => {
    const pbData = source();
    // A view written for SQLite (strftime), as PocketBase would have stored it.
    withPbDb(pbData, (db) => {
      const query = `SELECT id, strftime('%Y', created) AS year FROM demo2`;
      db.exec(`CREATE VIEW yearly AS ${query}`);
      db.prepare(`INSERT INTO _collections (id, system, type, name, fields, indexes, listRule, viewRule, createRule, updateRule, deleteRule, options, created, updated)
        VALUES ('yearlyview00001', 0, 'view', 'yearly', '[]', '[]', '', '', NULL, NULL, NULL, ?, '2024-01-01 00:00:00.000Z', '2024-01-01 00:00:00.000Z')`).run(JSON.stringify({ viewQuery: query }));
    });
    const onPg = await importCli(pbData, '--db', await createPgDatabase(), '--dir', newDir());
    expect(onPg.code, onPg.stderr).toBe(0);
    expect(onPg.stdout).toMatch(/yearly: view query not accepted by PostgreSQL: .*strftime/);
    expect(onPg.stdout).toContain('all tables match');
    expect(onPg.stdout).toMatch(/view2\s+view/);
    const onSqlite = await importCli(pbData, '--dir', newDir());
    expect(onSqlite.code, onSqlite.stderr).toBe(0);
    expect(onSqlite.stdout).toMatch(/yearly\s+view/);
    expect(onSqlite.stdout).toMatch(/ok\s+yearly\s+3 = 3/);
  });
});
