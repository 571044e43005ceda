/**
 * PostgreSQL backups are verified by restoring them into a scratch schema, where
 * PostgreSQL checks every row against the tables' types, constraints and indexes (the
 * SQLite counterpart is `PRAGMA integrity_check`, in backups.test.ts). An archive whose
 * dump breaks a primary key but whose manifest was rewritten to match it passes every
 * file-level check and is caught only there; the scratch schema never outlives the
 * check, and the live data is untouched. A database user that may not create schemas
 * gets the file-level checks.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { startGalley, type TestGalley } from './support/galley.js';
import { fileOf } from './support/files.js';
import { unzip, zip } from './support/zip-edit.js';
import { createTableHasher } from '../src/backups/table-hash.js';
import { GalleyCore } from '../src/core/galley-core.js';

describe('verifying a PostgreSQL backup in a scratch schema', () => {
  let g: TestGalley;
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const scratchSchemas = async () => (await g.core.store.all(`SELECT nspname AS "n" FROM pg_namespace WHERE nspname LIKE 'galley_verify_%'`)).length;

  beforeAll(async () => {
    g = await startGalley('postgres');
    await g.admin.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] });
    for (let i = 0; i < 10; i++) await g.admin.collection('notes').create({ title: `note ${i}` });
    await g.admin.backups.create('good.zip');
  });
  afterAll(() => g.close());

  it('passes a sound backup, leaving no scratch schema', async () => {
    const item = (await g.admin.backups.getFullList()).find((b) => b.key === 'good.zip') as unknown as { verification: { ok: boolean; checks: { name: string; ok: boolean }[] } };
    expect(item.verification.ok).toBe(true);
    expect(await scratchSchemas()).toBe(0);
  });

  it('catches rows PostgreSQL refuses, even when the manifest was made to match them', async () => {
    const token = await g.admin.files.getToken();
    const entries = await unzip(Buffer.from(await (await fetch(g.admin.backups.getDownloadURL(token, 'good.zip'))).arrayBuffer()));
    // A second row with the first one's id (and _rowid_): only the primary key can tell.
    const lines = entries.get('db/notes.jsonl')!.toString('utf8').trimEnd().split('\n');
    const dump = Buffer.from(`${[...lines, lines[1]!].join('\n')}\n`);
    const columns = (JSON.parse(lines[0]!) as { columns: string[] }).columns;
    const hasher = createTableHasher(columns);
    for (const line of [...lines.slice(1), lines[1]!]) hasher.add(JSON.parse(line) as unknown[]);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    Object.assign(manifest.tables.find((t: { name: string }) => t.name === 'notes'), hasher.done());
    Object.assign(manifest.entries.find((e: { path: string }) => e.path === 'db/notes.jsonl'), { size: dump.length, sha256: sha256(dump) });
    entries.set('db/notes.jsonl', dump);
    entries.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    const archive = await zip([...entries].map(([path, data]) => ({ path, data })));

    await g.admin.backups.upload({ file: fileOf(archive, 'duplicate.zip', 'application/zip') });
    const item = (await g.admin.backups.getFullList()).find((b) => b.key === 'duplicate.zip') as unknown as { verification: { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] } };
    const byName = Object.fromEntries(item.verification.checks.map((c) => [c.name, c]));
    expect(byName.archive!.ok).toBe(true);
    expect(byName.integrity).toMatchObject({ ok: false, detail: expect.stringMatching(/^PostgreSQL refused the copy while adding the constraints and indexes of notes: the unique constraint or index \S+ is violated$/) });
    expect(item.verification.ok).toBe(false);
    expect(await scratchSchemas()).toBe(0);
    expect((await g.admin.collection('notes').getFullList()).length).toBe(10);
    expect((await g.admin.backups.restore('duplicate.zip').catch((e) => e)).status).toBe(400);
  });

  it('falls back to checking the dump\'s files when the database user may not create schemas', async () => {
    // A database whose owner is a role without CREATE on it (schemas), but with the public schema.
    const admin = new pg.Client({ connectionString: inject('pgUrl') });
    await admin.connect();
    const role = `galley_limited_${Date.now()}`;
    const name = `galley_t_limited_${Date.now()}`;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-pass'`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.query(`REVOKE CREATE ON DATABASE ${name} FROM PUBLIC`);
      await admin.query(`GRANT CONNECT ON DATABASE ${name} TO ${role}`);
    } finally {
      await admin.end();
    }
    const inDb = new pg.Client({ connectionString: Object.assign(new URL(inject('pgUrl')), { pathname: `/${name}` }).toString() });
    await inDb.connect();
    await inDb.query(`GRANT ALL ON SCHEMA public TO ${role}`);
    await inDb.end();
    const url = new URL(inject('pgUrl'));
    url.pathname = `/${name}`;
    url.username = role;
    url.password = 'limited-pass';
    const dir = mkdtempSync(join(tmpdir(), 'galley-limited-'));
    const core = await GalleyCore.open({ dir, db: url.toString() });
    try {
      const key = await core.backups.create('limited.zip');
      const v = (await core.backups.list()).find((b) => b.key === key)!.verification!;
      expect(v.ok).toBe(true);
      expect(v.checks.find((c) => c.name === 'integrity')).toMatchObject({ ok: true, detail: 'ok' });
    } finally {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

