/**
 * `galley migrate …` and the migrations side of `galley serve`, through the built CLI
 * on SQLite and PostgreSQL: create, status, up/down with --dry-run, one-line errors,
 * the collections snapshot, migrations at start and `serve --dev`. Needs `npm run build`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PocketBase from 'pocketbase';
import { createPgDatabase, ENGINES, type Engine } from './support/galley.js';
import { killStarted, lines, runCli, startServe, type CliResult } from './support/cli.js';
import { copyExamples, createCollection, filesIn, migrationDir, readIn, removeMigrationDirs, writeMigration } from './support/migrations.js';

// Each test runs the CLI several times, a process start each (seconds apiece on a busy machine).
vi.setConfig({ testTimeout: 120_000 });

const EMAIL = 'admin@example.com';
const PASSWORD = 'correct-horse-battery';

function expectOk(r: CliResult): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(0);
  expect(r.stderr).toBe('');
}

/** A failed command: non-zero exit, exactly one line on stderr, no stack trace. */
function expectOneLineError(r: CliResult, ...mentions: string[]): void {
  expect(r.code, `stdout: ${r.stdout}`).not.toBe(0);
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const m of mentions) expect(r.stderr).toContain(m);
}

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'galley-migrate-cli-')); });
afterEach(() => {
  killStarted();
  removeMigrationDirs();
});
afterAll(() => {
  killStarted();
  rmSync(tmp, { recursive: true, force: true });
});

let dirs = 0;
/** --dir (and --db on PostgreSQL) of a fresh database. */
async function database(engine: Engine): Promise<string[]> {
  const dir = join(tmp, `data${++dirs}`);
  return engine === 'postgres' ? ['--dir', dir, '--db', await createPgDatabase()] : ['--dir', dir];
}

describe('galley migrate create', () => {
  it('writes a timestamped file with an empty up/down template', async () => {
    const dir = migrationDir();
    const r = await runCli(['migrate', 'create', 'Add posts table', '--migrationsDir', dir]);
    expectOk(r);
    const [file] = filesIn(dir);
    expect(file).toMatch(/^\d{10}_add_posts_table\.ts$/);
    expect(Number(file!.slice(0, 10))).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(r.stdout).toContain(join(dir, file!));
    const text = readIn(dir, file!);
    expect(text).toContain(`import type { MigrationContext } from 'galley';`);
    expect(text).toMatch(/export async function up\(m: MigrationContext\)/);
    expect(text).toMatch(/export async function down\(m: MigrationContext\)/);
    // A second one in the same second still sorts after the first.
    await runCli(['migrate', 'create', 'second', '--migrationsDir', dir]);
    expect(filesIn(dir)[1]).toMatch(/_second\.ts$/);
  });

  it('refuses a name without letters or digits', async () => {
    expectOneLineError(await runCli(['migrate', 'create', '!!!', '--migrationsDir', migrationDir()]), 'invalid migration name');
  });
});

describe.each(ENGINES)('galley migrate (%s)', (engine) => {
  it('status, up and down with --dry-run, then for real', async () => {
    const db = await database(engine);
    const dir = migrationDir();
    copyExamples(dir);
    const migrate = (...args: string[]) => runCli(['migrate', ...args, ...db, '--migrationsDir', dir]);

    let r = await migrate('status');
    expectOk(r);
    expect(lines(r.stdout)).toEqual(['pending  1700000000_create_posts.ts', 'pending  1700000100_add_post_slug.ts', '0 applied, 2 pending']);

    r = await migrate('up', '--dry-run');
    expectOk(r);
    expect(lines(r.stdout)).toEqual(['Would apply 1700000000_create_posts.ts', 'Would apply 1700000100_add_post_slug.ts']);
    expect(lines((await migrate('status')).stdout).at(-1)).toBe('0 applied, 2 pending');

    r = await migrate('up');
    expectOk(r);
    expect(lines(r.stdout)).toEqual(['Applied 1700000000_create_posts.ts', 'Applied 1700000100_add_post_slug.ts']);
    expect(lines((await migrate('up')).stdout)).toEqual(['No pending migrations.']);
    r = await migrate('status');
    expect(lines(r.stdout)[0]).toMatch(/^applied {2}1700000000_create_posts\.ts {2}\(\d{4}-\d\d-\d\dT/);
    expect(lines(r.stdout).at(-1)).toBe('2 applied, 0 pending');

    r = await migrate('down', '2', '--dry-run');
    expectOk(r);
    expect(lines(r.stdout)).toEqual(['Would revert 1700000100_add_post_slug.ts', 'Would revert 1700000000_create_posts.ts']);
    expect(lines((await migrate('status')).stdout).at(-1)).toBe('2 applied, 0 pending');

    r = await migrate('down');
    expectOk(r);
    expect(lines(r.stdout)).toEqual(['Reverted 1700000100_add_post_slug.ts']);
    expect(lines((await migrate('status')).stdout).at(-1)).toBe('1 applied, 1 pending');
    expectOneLineError(await migrate('down', 'zero'), 'invalid number');
  });

  it('failures are one line naming the migration: a failing up, a missing down, a syntax error', async () => {
    const db = await database(engine);
    const dir = migrationDir();
    const migrate = (...args: string[]) => runCli(['migrate', ...args, ...db, '--migrationsDir', dir]);
    writeMigration(dir, '1_no_down.js', `export async function up(m) { await m.collections.create({ name: 'kept', type: 'base' }); }`);
    expectOk(await migrate('up'));
    expectOneLineError(await migrate('down'), '1_no_down.js', 'no "down"');

    writeMigration(dir, '2_fails.ts', `export async function up(m: any) {\n  await m.collections.create({ name: 'gone', type: 'base' });\n  throw new Error('boom');\n}\n`);
    expectOneLineError(await migrate('up'), '2_fails.ts', 'boom', 'rolled back');
    expect(lines((await migrate('status')).stdout).at(-1)).toBe('1 applied, 1 pending');

    writeMigration(dir, '2_fails.ts', `export async function up(m: any) {\n  await m.collections.create({ name: 'gone', type: 'base' })\n  const = 1;\n}\n`);
    expectOneLineError(await migrate('up'), `${join(dir, '2_fails.ts')}:3:`);
  });

  it('migrate collections writes a snapshot that recreates the schema on a fresh database', async () => {
    const source = await database(engine);
    const dir = migrationDir();
    copyExamples(dir);
    expectOk(await runCli(['migrate', 'up', ...source, '--migrationsDir', dir]));
    const snapshots = migrationDir();
    const r = await runCli(['migrate', 'collections', ...source, '--migrationsDir', snapshots]);
    expectOk(r);
    const [file] = filesIn(snapshots);
    expect(file).toMatch(/^\d+_collections_snapshot\.ts$/);
    expect(r.stdout).toContain('recorded as applied');
    expect(lines((await runCli(['migrate', 'status', ...source, '--migrationsDir', snapshots])).stdout).at(-1)).toBe('3 applied, 0 pending');

    const target = await database(engine);
    const up = await runCli(['migrate', 'up', ...target, '--migrationsDir', snapshots]);
    expectOk(up);
    expect(lines(up.stdout)).toEqual([`Applied ${file}`]);
    /** The non-system collections as the API shows them, minus their timestamps. */
    const schema = async (db: string[]) => {
      expectOk(await runCli(['superuser', 'upsert', EMAIL, PASSWORD, ...db]));
      const serve = await startServe(['--http', '127.0.0.1:0', ...db, '--migrationsDir', snapshots]);
      try {
        const pb = new PocketBase(serve.url);
        await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
        const list = await pb.collections.getFullList({ sort: 'name' });
        return list.filter((c) => !c.system).map(({ created: _c, updated: _u, ...rest }) => rest);
      } finally {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
    };
    const recreated = await schema(target);
    expect(recreated.map((c) => c.name)).toEqual(['posts', 'users']);
    expect(recreated).toEqual(await schema(source));
  });
});

describe.each(ENGINES)('galley serve and migrations (%s)', (engine) => {
  it('applies pending migrations before it listens, and refuses to start on a failing one', async () => {
    const db = await database(engine);
    const dir = migrationDir();
    copyExamples(dir);
    const serve = await startServe(['--http', '127.0.0.1:0', ...db, '--migrationsDir', dir]);
    expect(serve.stdout().indexOf('Applied migration 1700000000_create_posts.ts')).toBeGreaterThanOrEqual(0);
    expect(serve.stdout().indexOf('Applied migration 1700000100_add_post_slug.ts')).toBeLessThan(serve.stdout().indexOf('Server started'));
    const post = await new PocketBase(serve.url).collection('posts').getOne('hellohelloworld');
    expect(post).toMatchObject({ title: 'Hello World', slug: 'hello-world' });
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);

    writeMigration(dir, '1800000000_broken.ts', `export async function up(m: any) { await m.sql('SELECT * FROM "missing_table"'); }`);
    const r = await runCli(['serve', '--http', '127.0.0.1:0', ...db, '--migrationsDir', dir]);
    expectOneLineError(r, 'cannot start', '1800000000_broken.ts', 'missing_table');
    expect(r.stdout).not.toContain('Server started');
  });

  it('--dev writes a migration for each collection change made through the API, recorded as applied', async () => {
    const db = await database(engine);
    const dir = join(migrationDir(), 'galley_migrations'); // created on the first write
    expectOk(await runCli(['superuser', 'create', EMAIL, PASSWORD, ...db]));
    const serve = await startServe(['--http', '127.0.0.1:0', '--dev', ...db, '--migrationsDir', dir]);
    const pb = new PocketBase(serve.url);
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    await pb.collections.create({ name: 'notes', type: 'base', fields: [{ name: 'body', type: 'text' } as never] });
    await pb.collections.update('notes', { listRule: '' });
    await pb.collections.delete('notes');
    expect(existsSync(dir)).toBe(true);
    const files = filesIn(dir);
    expect(files.map((f) => f.replace(/^\d+_/, ''))).toEqual(['created_notes.ts', 'updated_notes.ts', 'deleted_notes.ts']);
    expect(readIn(dir, files[0]!)).toContain('m.collections.create(');
    for (const f of files) expect(serve.stdout()).toContain(`Wrote migration ${join(dir, f)}`);
    serve.child.kill('SIGTERM');
    await serve.exited;

    expect(lines((await runCli(['migrate', 'status', ...db, '--migrationsDir', dir])).stdout).at(-1)).toBe('3 applied, 0 pending');
    // Replayed elsewhere, and reverted there.
    const fresh = await database(engine);
    expect(lines((await runCli(['migrate', 'up', ...fresh, '--migrationsDir', dir])).stdout)).toHaveLength(3);
    expectOk(await runCli(['migrate', 'down', '2', ...fresh, '--migrationsDir', dir]));
    expect(lines((await runCli(['migrate', 'status', ...fresh, '--migrationsDir', dir])).stdout).at(-1)).toBe('1 applied, 2 pending');
  });
});

describe.each(ENGINES)('--dir on every command, migrations and hooks beside it (%s)', (engine) => {
  it('migrate create --dir=DIR writes to galley_migrations beside DIR, where migrate, serve and its hooks look too', async () => {
    // PocketBase's layout: pb_data, pb_migrations and pb_hooks side by side, wherever --dir puts pb_data.
    const app = join(tmp, `app-${engine}`);
    const data = join(app, 'galley_data');
    const db = engine === 'postgres' ? [`--dir=${data}`, '--db', await createPgDatabase()] : [`--dir=${data}`];
    const migrations = join(app, 'galley_migrations');

    const created = await runCli(['migrate', 'create', 'add_notes', `--dir=${data}`]);
    expectOk(created);
    const [notes] = filesIn(migrations);
    expect(notes).toMatch(/^\d{10}_add_notes\.ts$/);
    expect(created.stdout).toContain(join(migrations, notes!));
    writeMigration(migrations, notes!, createCollection('notes'));
    expect(lines((await runCli(['migrate', 'status', ...db])).stdout)).toEqual([`pending  ${notes}`, '0 applied, 1 pending']);
    expect(lines((await runCli(['migrate', 'up', ...db])).stdout)).toEqual([`Applied ${notes}`]);

    const types = await runCli(['typegen', ...db, '--out', '-']);
    expectOk(types);
    expect(types.stdout).toContain('notes');
    expectOk(await runCli(['superuser', 'upsert', EMAIL, PASSWORD, ...db]));

    // serve applies what is pending there and loads the hooks beside the data directory.
    expectOk(await runCli(['migrate', 'create', 'add_tags', ...db]));
    const tags = filesIn(migrations).find((f) => f.endsWith('_add_tags.ts'))!;
    writeMigration(migrations, tags, createCollection('tags'));
    mkdirSync(join(app, 'galley_hooks'));
    cpSync(fileURLToPath(new URL('../docs/examples/galley_hooks/hello-route.ts', import.meta.url)), join(app, 'galley_hooks', 'hello-route.ts'));
    const serve = await startServe(['--http', '127.0.0.1:0', ...db]);
    expect(serve.stdout()).toContain(tags);
    expect(await (await fetch(`${serve.url}/api/hello/beside`)).json()).toEqual({ message: 'Hello beside!' });
    const pb = new PocketBase(serve.url);
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    expect((await pb.collections.getOne('tags')).name).toBe('tags');
  });
});
