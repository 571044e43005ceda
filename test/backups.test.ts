/**
 * Backups through the PocketBase API on both engines, with the SDK's pb.backups: a
 * backup holds every table and the uploaded files and is verified as it is made;
 * listing, download with a superuser file token (and Range), delete; names and the
 * one-at-a-time rule; health's canBackup; uploads of damaged or edited archives
 * (zip-slip, symlink, truncated, edited manifest, newer format) refused with a 400
 * and nothing stored; a verification that catches a manifest whose table hash lies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ENGINES, startGalley, SUPERUSER_EMAIL, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { fileOf, form } from './support/files.js';
import { rezip, unzip } from './support/zip-edit.js';
import { startSmtpCapture } from './support/smtp-capture.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(ENGINES)('backups on %s', (engine) => {
  let g: TestGalley;
  let fileName: string;
  const attachment = Buffer.from('the bytes of an uploaded file\n'.repeat(50));

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'notes', type: 'base', fields: [{ name: 'title', type: 'text' }, { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1_000_000 }] });
    for (let i = 0; i < 30; i++) await g.admin.collection('notes').create({ title: `note ${i}` });
    const withFile = await g.admin.collection('notes').create(form({ title: 'with a file', doc: fileOf(attachment, 'doc.txt', 'text/plain') }));
    fileName = withFile.doc;
  });
  afterAll(() => g.close());

  const download = async (key: string, headers: Record<string, string> = {}) => {
    const token = await g.admin.files.getToken();
    return fetch(g.admin.backups.getDownloadURL(token, key), { headers });
  };

  it('creates a verified backup holding every table, the files and a manifest', async () => {
    expect(await g.admin.backups.create('first.zip')).toBe(true);
    const list = await g.admin.backups.getFullList();
    const item = list.find((b) => b.key === 'first.zip') as unknown as Record<string, any>;
    expect(item.size).toBeGreaterThan(0);
    expect(item.modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(item.verification.ok).toBe(true);
    expect(item.verification.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['archive', true], ['integrity', true], ['tables', true], ['schemaVersion', true], ['schema', true],
    ]);

    const res = await download('first.zip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=first.zip');
    const entries = await unzip(Buffer.from(await res.arrayBuffer()));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({ format: 1, engine, galleyVersion: expect.any(String) });
    const notes = manifest.tables.find((t: { name: string }) => t.name === 'notes');
    expect(notes.rows).toBe(31);
    for (const name of ['_collections', '_params', '_superusers', 'users']) expect(manifest.tables.map((t: { name: string }) => t.name)).toContain(name);
    expect(manifest.tables.map((t: { name: string }) => t.name)).not.toContain('_logs');
    expect(entries.has(engine === 'sqlite' ? 'data.db' : 'db/notes.jsonl')).toBe(true);
    const notesId = (await g.admin.collections.getOne('notes')).id;
    const stored = [...entries.keys()].find((k) => k.startsWith(`storage/${notesId}/`) && k.endsWith(fileName));
    expect(stored).toBeDefined();
    expect(entries.get(stored!)!.equals(attachment)).toBe(true);
    for (const e of manifest.entries) expect(sha(entries.get(e.path)!)).toBe(e.sha256);
  });

  it('serves a byte range of an archive, and only with a superuser file token', async () => {
    const whole = Buffer.from(await (await download('first.zip')).arrayBuffer());
    const part = await download('first.zip', { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(10, 20))).toBe(true);
    await expectErrorBody(await fetch(`${g.url}/api/backups/first.zip`), 403);
    await expectErrorBody(await fetch(`${g.url}/api/backups/first.zip?token=${g.admin.authStore.token}`), 403);
    await expectErrorBody(await download('missing.zip'), 404);
  });

  it('refuses bad names and a second backup while one runs; health tells whether one may start', async () => {
    const bad = await failure(g.admin.backups.create('Bad Name.zip'));
    expect(bad.status).toBe(400);
    expect(bad.response.data.name.code).toBe('validation_match_invalid');
    const taken = await failure(g.admin.backups.create('first.zip'));
    expect(taken.response.data.name.code).toBe('validation_backup_name_exists');

    const health = async () => (await g.admin.health.check()).data.canBackup;
    expect(await health()).toBe(true);
    const running = g.admin.backups.create('second.zip');
    // The first request holds the lock from its start; wait until it shows.
    for (let i = 0; i < 200 && (await health()); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await health()).toBe(false);
    const busy = await failure(g.admin.backups.create('third.zip'));
    expect(busy.status).toBe(400);
    expect(busy.message).toBe('Try again later - another backup/restore process has already been started.');
    await running;
    expect(await health()).toBe(true);
    expect((await g.admin.backups.getFullList()).map((b) => b.key).sort()).toEqual(['first.zip', 'second.zip']);
  });

  it('is for superusers only', async () => {
    expect((await failure(g.client().backups.getFullList())).status).toBe(401);
    expect((await failure(g.client().backups.create('x.zip'))).status).toBe(401);
    expect((await failure(g.client().backups.delete('first.zip'))).status).toBe(401);
  });

  it('takes back its own archive as an upload, verified again', async () => {
    const bytes = Buffer.from(await (await download('first.zip')).arrayBuffer());
    await g.admin.backups.upload({ file: fileOf(bytes, 'copy.zip', 'application/zip') });
    const item = (await g.admin.backups.getFullList()).find((b) => b.key === 'copy.zip') as unknown as Record<string, any>;
    expect(item.size).toBe(bytes.length);
    expect(item.verification.ok).toBe(true);
  });

  it('refuses damaged and edited archives with a 400, storing nothing', async () => {
    const good = Buffer.from(await (await download('first.zip')).arrayBuffer());
    const editManifest = (fn: (m: any) => void) => rezip(good, (path, data) => {
      if (path !== 'manifest.json') return data;
      const m = JSON.parse(data.toString());
      fn(m);
      return Buffer.from(JSON.stringify(m));
    });
    const cases: [string, Buffer, RegExp][] = [
      ['not-a-zip.zip', Buffer.from('hello, not a zip'), /not a readable zip/],
      ['truncated.zip', good.subarray(0, Math.floor(good.length / 2)), /not a readable zip|damaged/],
      ['slip.zip', await rezip(good, (_p, d) => d, [{ path: 'zzzzz/evil.txt', data: Buffer.from('x') }]).then((b) => patch(b, 'zzzzz/evil.txt', '../../evil.txt')), /outside its root/],
      ['symlink.zip', await rezip(good, (_p, d) => d, [{ path: 'link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]), /symbolic link/],
      ['newer.zip', await editManifest((m) => { m.format = 99; }), /newer than this Galley/],
      ['no-manifest.zip', await rezip(good, (p, d) => (p === 'manifest.json' ? undefined : d)), /no manifest\.json/],
      ['edited-entry.zip', await editManifest((m) => { m.entries[0].sha256 = '0'.repeat(64); }), /does not match the manifest/],
      ['extra-entry.zip', await rezip(good, (_p, d) => d, [{ path: 'extra.txt', data: Buffer.from('x') }]), /does not list/],
    ];
    for (const [name, bytes, message] of cases) {
      const res = await g.fetch('/api/backups/upload', { method: 'POST', token: g.admin.authStore.token, body: form({ file: fileOf(bytes, name, 'application/zip') }) });
      const body = await expectErrorBody(res, 400);
      expect(body.message, name).toMatch(message);
    }
    const keys = (await g.admin.backups.getFullList()).map((b) => b.key);
    for (const [name] of cases) expect(keys).not.toContain(name);
  });

  it('marks an archive whose manifest lies about a table as failing verification, and mails the superusers', async () => {
    const smtp = await startSmtpCapture();
    await g.admin.settings.update({
      meta: { appName: 'Acme', senderName: 'Acme', senderAddress: 'noreply@example.com' },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass },
    });
    const good = Buffer.from(await (await download('first.zip')).arrayBuffer());
    const lying = await rezip(good, (path, data) => {
      if (path !== 'manifest.json') return data;
      const m = JSON.parse(data.toString());
      m.tables.find((t: { name: string }) => t.name === 'notes').rows = 30;
      return Buffer.from(JSON.stringify(m));
    });
    await g.admin.backups.upload({ file: fileOf(lying, 'lying.zip', 'application/zip') });
    const item = (await g.admin.backups.getFullList()).find((b) => b.key === 'lying.zip') as unknown as Record<string, any>;
    expect(item.verification.ok).toBe(false);
    const tables = item.verification.checks.find((c: { name: string }) => c.name === 'tables');
    expect(tables).toMatchObject({ ok: false, detail: expect.stringMatching(/notes has 31 rows, the manifest says 30/) });
    const mail = await smtp.next(SUPERUSER_EMAIL);
    expect(mail.decoded).toContain('Acme: Backup verification failure');
    expect(mail.decoded).toMatch(/lying\.zip failed its verification: tables: notes has 31 rows/);
    await g.admin.settings.update({ smtp: { enabled: false } });
    await smtp.close();
  });

  it('reports the backups in the metrics', async () => {
    const text = await (await g.fetch('/api/metrics', { token: g.admin.authStore.token })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const now = Date.now() / 1000;
    expect(value('galley_backup_last_success_timestamp_seconds')).toBeGreaterThan(now - 600);
    expect(value('galley_backup_last_verify_success_timestamp_seconds')).toBeGreaterThan(now - 600);
    expect(value('galley_backup_last_size_bytes')).toBeGreaterThan(0);
    // lying.zip, uploaded above, failed its verification.
    expect(value('galley_backup_failed_verifications')).toBe(1);
  });

  it('deletes a backup', async () => {
    expect(await g.admin.backups.delete('copy.zip')).toBe(true);
    expect((await g.admin.backups.getFullList()).map((b) => b.key)).not.toContain('copy.zip');
    expect((await failure(g.admin.backups.delete('copy.zip'))).status).toBe(404);
  });
});

/** The archive with one file name replaced by another of the same length (in the local and central headers). */
function patch(bytes: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('same length only');
  const out = Buffer.from(bytes);
  const needle = Buffer.from(from);
  for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + 1)) Buffer.from(to).copy(out, i);
  return out;
}
