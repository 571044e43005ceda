/**
 * `galley backup create|list|verify|restore|delete` (dist/cli/main.js) on both engines,
 * beside a running server: a backup taken and verified from the CLI, listed, checked
 * again, a lying archive failing verification (exit 1), a bad name refused in one line,
 * a restore (on PostgreSQL into the database the server uses, which reloads; on SQLite
 * into another data directory), and delete.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { killStarted, lines, runCli } from './support/cli.js';
import { rezip } from './support/zip-edit.js';
import { eventually } from './support/realtime.js';
import { GalleyCore } from '../src/core/galley-core.js';

// Each test runs the CLI several times, a process start each (seconds apiece on a busy machine).
vi.setConfig({ testTimeout: 120_000 });

describe.each(ENGINES)('galley backup on %s', (engine) => {
  let g: TestGalley;
  const backup = (...args: string[]) => runCli(['backup', ...args, '--dir', g.dir, ...(g.dbUrl ? ['--db', g.dbUrl] : [])], 60_000);

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'items', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] });
    for (let i = 0; i < 10; i++) await g.admin.collection('items').create({ title: `item ${i}` });
  });
  afterAll(async () => {
    killStarted();
    await g.close();
  });

  it('creates, lists and verifies a backup', async () => {
    const created = await backup('create', 'cli.zip');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^cli\.zip \(\d+ bytes\)\n/);
    expect(created.stdout).toMatch(/ok {3}tables: \d+ tables, \d+ rows match/);
    const list = await backup('list');
    expect(list.code).toBe(0);
    expect(lines(list.stdout)).toEqual([expect.stringMatching(/^cli\.zip\t\d+\t\d{4}-\d\d-\d\d .*\tverified /)]);
    const verified = await backup('verify', 'cli.zip');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/verified in \d+ ms/);
    // The server sees it too.
    expect((await g.admin.backups.getFullList()).map((b) => b.key)).toContain('cli.zip');
  });

  it('exits 1 when a backup fails verification, and on a bad name', async () => {
    const good = readFileSync(join(g.dir, 'backups', 'cli.zip'));
    const lying = await rezip(good, (path, data) => {
      if (path !== 'manifest.json') return data;
      const m = JSON.parse(data.toString());
      m.tables.find((t: { name: string }) => t.name === 'items').rows = 9;
      return Buffer.from(JSON.stringify(m));
    });
    writeFileSync(join(g.dir, 'backups', 'lying.zip'), lying);
    const r = await backup('verify', 'lying.zip');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL tables: items has 10 rows, the manifest says 9/);
    const bad = await backup('create', 'Bad Name');
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual(['Error: An error occurred while validating the submitted data. Must be in a valid format.']);
    rmSync(join(g.dir, 'backups', 'lying.zip'));
  });

  it('restores a backup', async () => {
    if (engine === 'postgres') {
      await g.admin.collection('items').create({ title: 'after the backup' });
      const r = await backup('restore', 'cli.zip');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // The running server reloads (the schema version moved) and serves the restored rows.
      await eventually(async () => expect((await g.admin.collection('items').getFullList()).length).toBe(10), 10_000);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'galley-cli-restore-'));
    mkdirSync(join(dir, 'backups'));
    copyFileSync(join(g.dir, 'backups', 'cli.zip'), join(dir, 'backups', 'cli.zip'));
    const r = await runCli(['backup', 'restore', 'cli.zip', '--dir', dir], 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const core = await GalleyCore.open({ dir, db: '' });
    try {
      expect(Number((await core.store.get('SELECT count(*) AS "n" FROM "items"'))!.n)).toBe(10);
    } finally {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes a backup', async () => {
    const r = await backup('delete', 'cli.zip');
    expect(r.code).toBe(0);
    expect(lines((await backup('list')).stdout)).toEqual([]);
    const again = await backup('delete', 'cli.zip');
    expect(again.code).toBe(1);
    expect(lines(again.stderr)).toEqual(['Error: Missing or invalid backup file.']);
  });
});
