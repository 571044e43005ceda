/**
 * A PocketBase backup zip (the contents of its pb_data), built here from PocketBase's
 * own test data, uploaded with pb.backups.upload and restored with pb.backups.restore
 * on both engines: it goes through the PocketBase import, so PocketBase's superusers,
 * users, records, files and settings are the app's afterwards. Also `galley backup
 * restore ./pb_backup.zip` from the CLI, and a PocketBase zip that is damaged or holds
 * a path outside its root refused with the data unchanged.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { copyPbFixture, PB_PASSWORD } from './support/pocketbase-fixture.js';
import { fileOf } from './support/files.js';
import { failure } from './support/errors.js';
import { zip, type ZipItem } from './support/zip-edit.js';
import { runCli } from './support/cli.js';
import { GalleyCore } from '../src/core/galley-core.js';

vi.setConfig({ testTimeout: 120_000 });

/** The zip PocketBase's backups API makes: pb_data's entries at the archive root. */
async function pocketBaseZip(pbData: string): Promise<Buffer> {
  const items: ZipItem[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!['README.md', 'LICENSE.md'].includes(name)) items.push({ path: relative(pbData, path), data: readFileSync(path) });
    }
  };
  walk(pbData);
  return zip(items);
}

function renamed(bytes: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(bytes);
  for (let i = out.indexOf(from); i >= 0; i = out.indexOf(from, i + 1)) Buffer.from(to).copy(out, i);
  return out;
}

describe.each(ENGINES)('a PocketBase backup zip restored on %s', (engine) => {
  let g: TestGalley;
  let pbData: string;
  let archive: Buffer;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'mine', type: 'base', fields: [{ name: 'x', type: 'text' }] });
    pbData = copyPbFixture();
    archive = await pocketBaseZip(pbData);
  });
  afterAll(async () => {
    await g.close();
    rmSync(dirname(pbData), { recursive: true, force: true });
  });

  it('is refused when damaged or unsafe, with nothing changed', async () => {
    // yazl refuses to write "../": the name is patched in the bytes (same length).
    const slip = renamed(await zip([{ path: 'data.db', data: readFileSync(join(pbData, 'data.db')) }, { path: 'zz/evil.txt', data: Buffer.from('x') }]), 'zz/evil.txt', '../evil.txt');
    const bad = await failure(g.admin.backups.upload({ file: fileOf(slip, 'slip.zip', 'application/zip') }));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/path outside its root/);
    const neither = await zip([{ path: 'notes.txt', data: Buffer.from('x') }]);
    expect((await failure(g.admin.backups.upload({ file: fileOf(neither, 'neither.zip', 'application/zip') }))).message).toMatch(/not a Galley backup/);
    // A data.db that is not PocketBase's: refused (it is not a Galley backup either, having no manifest).
    const junk = await zip([{ path: 'data.db', data: Buffer.from('not sqlite at all'.repeat(100)) }]);
    const refused = await failure(g.admin.backups.upload({ file: fileOf(junk, 'junk.zip', 'application/zip') }));
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/no manifest\.json, so it is not a Galley backup, and it is not a PocketBase backup either \(cannot read .*data\.db/);
    // Placed in the backups folder by hand, it is listed as failing verification and refused by a restore.
    if (engine === 'sqlite') {
      mkdirSync(join(g.dir, 'backups'), { recursive: true });
      writeFileSync(join(g.dir, 'backups', 'junk.zip'), junk);
      await g.core.backups.verify('junk.zip');
      const listed = (await g.admin.backups.getFullList()).find((b) => b.key === 'junk.zip') as unknown as { verification: { ok: boolean } };
      expect(listed.verification.ok).toBe(false);
      const err = await failure(g.admin.backups.restore('junk.zip'));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/^The backup cannot be restored: the PocketBase backup cannot be imported: cannot read .*data\.db/);
    }
    expect((await g.admin.backups.getFullList()).map((b) => b.key)).not.toContain('slip.zip');
    expect((await g.admin.collections.getOne('mine')).name).toBe('mine');
  });

  it('is uploaded, verified and restored through the PocketBase import', async () => {
    await g.admin.backups.upload({ file: fileOf(archive, 'pb_backup_acme.zip', 'application/zip') });
    const item = (await g.admin.backups.getFullList()).find((b) => b.key === 'pb_backup_acme.zip') as unknown as { verification: { ok: boolean; checks: { name: string; detail: string }[] } };
    expect(item.verification.ok).toBe(true);
    expect(item.verification.checks[0]!.detail).toMatch(/^a PocketBase backup: \d+ entries read$/);

    await g.admin.backups.restore('pb_backup_acme.zip');

    // The data is PocketBase's now: its superusers sign in with their password, Galley's own collection is gone.
    const admin = g.client();
    await admin.collection('_superusers').authWithPassword('test@example.com', PB_PASSWORD);
    expect((await failure(admin.collections.getOne('mine'))).status).toBe(404);
    expect((await admin.settings.getAll()).meta.appName).toBe('acme_test');
    expect((await g.client().collection('demo2').getFullList()).map((r) => r.title).sort()).toEqual(['test1', 'test2', 'test3']);
    const demo1 = await admin.collection('demo1').getOne('84nmscqy84lsi1t');
    expect(demo1.bool).toBe(true);
    expect(demo1.file_many).toHaveLength(5);
    const user = await admin.collection('users').getOne('4q1xlclmfloku33');
    const res = await fetch(admin.files.getURL(user, user.avatar));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(pbData, 'storage', '_pb_users_auth_', '4q1xlclmfloku33', user.avatar)))).toBe(true);
    // The restored app works on: a write, and another backup of it.
    await admin.collection('demo2').create({ title: 'after the restore' });
    await admin.backups.create('after.zip');
    expect(((await admin.backups.getFullList()).find((b) => b.key === 'after.zip') as unknown as { verification: { ok: boolean } }).verification.ok).toBe(true);
  });

  if (engine === 'sqlite') {
    it('is restored by `galley backup restore <path of the zip>`', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'galley-pbzip-'));
      const file = join(dir, 'pb_backup_cli.zip');
      writeFileSync(file, archive);
      const data = join(dir, 'data');
      try {
        const r = await runCli(['backup', 'restore', file, '--dir', data], 90_000);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe(`copied ${file} to the backups as pb_backup_cli.zip\nrestored pb_backup_cli.zip\n`);
        expect(r.code).toBe(0);
        const core = await GalleyCore.open({ dir: data, db: '' });
        try {
          expect(core.settings.current().meta.appName).toBe('acme_test');
          expect(Number((await core.store.get('SELECT count(*) AS "n" FROM "demo1"'))!.n)).toBe(3);
        } finally {
          await core.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

