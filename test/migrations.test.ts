/**
 * Migrations in process, on SQLite and PostgreSQL: order and bookkeeping, down,
 * rollback of a failing migration (DDL included), load errors, the docs' examples,
 * the collections snapshot and the automatic migrations of `serve --dev`, replayed
 * on a fresh database.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGalley, ENGINES, type TestGalley } from './support/galley.js';
import { copyExamples, createCollection, filesIn, migrationDir, readIn, removeMigrationDirs, writeMigration } from './support/migrations.js';
import { Migrator } from '../src/migrations/migrator.js';
import { autoMigrate } from '../src/migrations/automigrate.js';
import { snapshotTemplate } from '../src/migrations/templates.js';
import { writeMigrationFile } from '../src/migrations/migration-files.js';

const migratorOf = (g: TestGalley, dir: string) => new Migrator(g.core.store, g.core.collections, dir);

async function tableExists(g: TestGalley, name: string): Promise<boolean> {
  const row = g.engine === 'sqlite'
    ? await g.core.store.get(`SELECT 1 AS "x" FROM sqlite_master WHERE name = ?`, [name])
    : await g.core.store.get(`SELECT 1 AS "x" FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1`, [name]);
  return row !== undefined;
}

/** The non-system schema as the API shows it, without what differs between databases by design. */
async function schemaOf(g: TestGalley) {
  const list = await g.admin.collections.getFullList({ sort: 'name' });
  return list.filter((c) => !c.system).map(({ created: _c, updated: _u, ...rest }) => rest);
}

describe.each(ENGINES)('migrations (%s)', (engine) => {
  let g: TestGalley;
  beforeEach(async () => { g = await startGalley(engine); });
  afterEach(async () => {
    await g?.close();
    removeMigrationDirs();
  });

  it('up applies the docs examples in file-name order and records them; down reverts them newest first', async () => {
    const dir = migrationDir();
    copyExamples(dir);
    const m = migratorOf(g, dir);
    expect((await m.status()).pending).toEqual(['1700000000_create_posts.ts', '1700000100_add_post_slug.ts']);

    expect(await m.up()).toEqual(['1700000000_create_posts.ts', '1700000100_add_post_slug.ts']);
    const status = await m.status();
    expect(status.pending).toEqual([]);
    expect(status.applied.map((a) => a.file)).toEqual(['1700000000_create_posts.ts', '1700000100_add_post_slug.ts']);
    expect(status.applied[0]!.applied).toBeGreaterThan(Date.now() - 60_000);
    // The API sees the new schema and the seeded, backfilled row.
    const posts = await g.admin.collections.getOne('posts');
    expect(posts.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'title', 'created', 'updated', 'slug']);
    expect(await g.client().collection('posts').getOne('hellohelloworld')).toMatchObject({ title: 'Hello World', slug: 'hello-world' });
    expect(filesIn(dir)).toEqual(['1700000000_create_posts.ts', '1700000100_add_post_slug.ts']); // no compiled leftovers
    expect(await m.up()).toEqual([]); // nothing left to apply

    expect(await m.down()).toEqual(['1700000100_add_post_slug.ts']);
    expect((await g.admin.collections.getOne('posts')).fields.map((f: { name: string }) => f.name)).not.toContain('slug');
    expect((await m.status()).pending).toEqual(['1700000100_add_post_slug.ts']);
    expect(await m.down(5)).toEqual(['1700000000_create_posts.ts']);
    expect(g.core.collections.find('posts')).toBeUndefined();
    expect(await tableExists(g, 'posts')).toBe(false);
    expect((await m.status()).applied).toEqual([]);
  });

  it('a migration that fails after creating a collection rolls back completely and names the file', async () => {
    const dir = migrationDir();
    writeMigration(dir, '1_ok.ts', createCollection('first_ok'));
    writeMigration(dir, '2_broken.ts', `
      export async function up(m) {
        await m.collections.create({ name: 'half_done', type: 'base', fields: [{ name: 'title', type: 'text' }] });
        await m.sql('INSERT INTO "half_done" ("id", "title") VALUES (' + m.placeholder(1) + ', ' + m.placeholder(2) + ')', ['aaaaaaaaaaaaaaa', 'x']);
        throw new Error('halfway');
      }`);
    writeMigration(dir, '3_later.ts', createCollection('never_reached'));
    const m = migratorOf(g, dir);
    await expect(m.up()).rejects.toThrow(/migration 2_broken\.ts failed \(up\) and was rolled back: halfway/);
    // The first one is committed; nothing of the second is left; the third never ran.
    expect((await m.status()).applied.map((a) => a.file)).toEqual(['1_ok.ts']);
    expect(g.core.collections.find('half_done')).toBeUndefined();
    expect(await tableExists(g, 'half_done')).toBe(false);
    const row = await g.core.store.get(`SELECT "id" FROM "_collections" WHERE "name" = ${g.core.store.dialect.placeholder(1)}`, ['half_done']);
    expect(row).toBeUndefined();
    expect(g.core.collections.find('never_reached')).toBeUndefined();
    await expect(g.admin.collections.getOne('half_done')).rejects.toMatchObject({ status: 404 });
  });

  it('a bad SQL statement fails the migration with the engine\'s message and rolls back its collection', async () => {
    const dir = migrationDir();
    writeMigration(dir, '1700000000_bad_sql.ts', `
      import type { MigrationContext } from 'galley';
      export async function up(m: MigrationContext) {
        await m.collections.create({ name: 'bad_sql', type: 'base', fields: [{ name: 'title', type: 'text' }] });
        await m.sql('UPDATE "no_such_table" SET "x" = 1');
      }`);
    const err = await migratorOf(g, dir).up().catch((e: Error) => e);
    expect(String(err)).toMatch(/1700000000_bad_sql\.ts failed \(up\).*no_such_table/);
    expect(await tableExists(g, 'bad_sql')).toBe(false);
    expect(g.core.collections.find('bad_sql')).toBeUndefined();
  });

  it('a collection change that fails validation names the file and the field', async () => {
    const dir = migrationDir();
    writeMigration(dir, '1_invalid.ts', `export async function up(m) { await m.collections.create({ name: 'bad name!', type: 'base' }); }`);
    await expect(migratorOf(g, dir).up()).rejects.toThrow(/1_invalid\.ts failed \(up\).*Failed to create collection\. name: /);
  });

  it('a TypeScript syntax error is reported with file, line and column, before anything runs', async () => {
    const dir = migrationDir();
    writeMigration(dir, '1_fine.ts', createCollection('before_syntax_error'));
    writeMigration(dir, '2_syntax.ts', `import type { MigrationContext } from 'galley';\nexport async function up(m: MigrationContext) {\n  const x: number = ;\n}\n`);
    const m = migratorOf(g, dir);
    const err = await m.up().catch((e: Error) => e);
    expect(String(err)).toContain('migration 2_syntax.ts cannot be loaded');
    expect(String(err)).toMatch(/2_syntax\.ts:3:\d+: Unexpected ";"/);
    expect(g.core.collections.find('before_syntax_error')).toBeUndefined();
    expect((await m.status()).applied).toEqual([]);
    expect(filesIn(dir)).toEqual(['1_fine.ts', '2_syntax.ts']);
  });

  it('down refuses, changing nothing, when a migration to revert has no down', async () => {
    const dir = migrationDir();
    writeMigration(dir, '1_with_down.ts', createCollection('with_down'));
    writeMigration(dir, '2_without_down.js', `export async function up(m) { await m.collections.create({ name: 'without_down', type: 'base' }); }`);
    const m = migratorOf(g, dir);
    await m.up();
    await expect(m.down(2)).rejects.toThrow('migration 2_without_down.js has no "down" function and cannot be reverted; nothing was reverted');
    expect((await m.status()).applied).toHaveLength(2);
    expect(g.core.collections.find('with_down')).toBeDefined();
  });

  it('dry runs change nothing', async () => {
    const dir = migrationDir();
    writeMigration(dir, '1_dry.ts', createCollection('dry'));
    const m = migratorOf(g, dir);
    expect(await m.up({ dryRun: true })).toEqual(['1_dry.ts']);
    expect(g.core.collections.find('dry')).toBeUndefined();
    expect((await m.status()).pending).toEqual(['1_dry.ts']);
    await m.up();
    expect(await m.down(1, { dryRun: true })).toEqual(['1_dry.ts']);
    expect(g.core.collections.find('dry')).toBeDefined();
    expect((await m.status()).applied.map((a) => a.file)).toEqual(['1_dry.ts']);
  });
});

describe.each(ENGINES)('schema replayed on a fresh database (%s)', (engine) => {
  let source: TestGalley;
  let target: TestGalley;
  beforeAll(async () => { [source, target] = await Promise.all([startGalley(engine), startGalley(engine)]); });
  afterAll(async () => { await Promise.all([source?.close(), target?.close()]); });
  afterEach(() => removeMigrationDirs());

  it('--dev automatic migrations of API changes replay to the same schema, and revert', async () => {
    const dir = migrationDir();
    const written: string[] = [];
    const stop = autoMigrate(source.core.collections, migratorOf(source, dir), { written: (f) => written.push(f), failed: (msg) => { throw new Error(msg); } });
    const authors = await source.admin.collections.create({ name: 'authors', type: 'auth', fields: [{ name: 'bio', type: 'text' }], listRule: '' });
    const books = await source.admin.collections.create({
      name: 'books', type: 'base',
      fields: [{ name: 'title', type: 'text', required: true }, { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 }],
      indexes: ['CREATE UNIQUE INDEX idx_books_title ON books (title)'],
    });
    await source.admin.collections.update('books', { fields: books.fields.map((f: { name: string }) => (f.name === 'title' ? { ...f, name: 'name' } : f)), listRule: 'author != ""' });
    await source.admin.collections.create({ name: 'scratch', type: 'base' });
    await source.admin.collections.delete('scratch');
    await source.admin.collections.import([{ name: 'tags', type: 'base', fields: [{ name: 'label', type: 'text' }] } as never], false);
    await source.admin.collections.create({ name: 'titles', type: 'view', viewQuery: 'SELECT "id", "name" FROM "books"' });
    stop();

    expect(written).toHaveLength(7);
    expect(written.map((f) => f.replace(/^\d+_/, ''))).toEqual([
      'created_authors.ts', 'created_books.ts', 'updated_books.ts', 'created_scratch.ts', 'deleted_scratch.ts', 'imported_collections.ts', 'created_titles.ts',
    ]);
    expect(filesIn(dir)).toEqual(written); // sorted by name = the order they were made
    // Recorded as applied where they happened; no secrets written.
    expect((await migratorOf(source, dir).status()).pending).toEqual([]);
    for (const f of written) expect(readIn(dir, f)).not.toMatch(/"secret"/);

    const replay = migratorOf(target, dir);
    expect(await replay.up()).toEqual(written);
    expect(await schemaOf(target)).toEqual(await schemaOf(source));

    // Every generated migration has a down; reverting all of them leaves the default schema.
    expect(await replay.down(written.length)).toEqual([...written].reverse());
    expect((await schemaOf(target)).map((c) => c.name)).toEqual(['users']);
  });

  it('the collections snapshot recreates the schema on a fresh database', async () => {
    await source.admin.collections.update('users', { fields: [...(await source.admin.collections.getOne('users')).fields, { name: 'nickname', type: 'text' } as never] });
    const dir = migrationDir();
    const file = writeMigrationFile(dir, 'collections_snapshot', snapshotTemplate(source.core.collections.registry.all().map((c) => c.model)));
    const replay = migratorOf(target, dir);
    expect(await replay.up()).toEqual([file]);
    expect(await schemaOf(target)).toEqual(await schemaOf(source));
  });
});
