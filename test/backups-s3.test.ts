/**
 * Backups in the `backups.s3` bucket, on both engines, with a real S3-compatible
 * server (s3rver, as test/files-s3.test.ts): an archive is written to the bucket (not
 * DATA_DIR/backups), so another instance configured with the same bucket lists,
 * downloads, restores and deletes it; and uploaded files kept on S3 are restored back
 * into the files' bucket.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { ENGINES, startGalley, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestGalley } from './support/galley.js';
import { fileOf, form } from './support/files.js';
import { failure } from './support/sdk.js';
import { S3FileStorage } from '../src/files/s3-file-storage.js';

vi.setConfig({ testTimeout: 120_000 });

const BACKUPS = 'galley-backups';
const FILES = 'galley-files';

describe.each(ENGINES)('backups in an S3 bucket on %s', (engine) => {
  let s3: S3rver;
  let s3Dir: string;
  let endpoint: string;
  let g: TestGalley;
  let other: TestGalley;
  const bytes = Buffer.from('a file kept on S3\n'.repeat(200));
  const s3Settings = (bucket: string) => ({ enabled: true, bucket, region: 'us-east-1', endpoint, accessKey: 'S3RVER', secret: 'S3RVER', forcePathStyle: true });
  const keys = async (pb: TestGalley['admin']) => (await pb.backups.getFullList()).map((b) => b.key).sort();

  beforeAll(async () => {
    s3Dir = mkdtempSync(join(tmpdir(), 'galley-s3-backups-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: BACKUPS, configs: [] }, { name: FILES, configs: [] }] });
    endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
    g = await startGalley(engine);
    other = await startGalley(engine);
    for (const instance of [g, other]) await instance.admin.settings.update({ backups: { s3: s3Settings(BACKUPS) } });
    await g.admin.settings.update({ s3: s3Settings(FILES) });
    await g.admin.collections.create({ name: 'docs', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'file', type: 'file', maxSelect: 1, maxSize: 1_000_000 }] });
  });
  afterAll(async () => {
    await g?.close();
    await other?.close();
    await s3?.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  it('writes archives to the bucket, where every instance lists, downloads and deletes them', async () => {
    await g.admin.backups.create('shared.zip');
    expect(existsSync(join(g.dir, 'backups', 'shared.zip'))).toBe(false);
    expect(existsSync(join(s3Dir, BACKUPS))).toBe(true);
    expect(await keys(other.admin)).toEqual(['shared.zip']);
    const item = (await other.admin.backups.getFullList())[0] as unknown as { size: number; verification: { ok: boolean } };
    expect(item.verification.ok).toBe(true);
    const fromG = Buffer.from(await (await fetch(g.admin.backups.getDownloadURL(await g.admin.files.getToken(), 'shared.zip'))).arrayBuffer());
    const fromOther = await fetch(other.admin.backups.getDownloadURL(await other.admin.files.getToken(), 'shared.zip'), { headers: { Range: 'bytes=0-3' } });
    expect(fromOther.status).toBe(206);
    expect(Buffer.from(await fromOther.arrayBuffer()).equals(fromG.subarray(0, 4))).toBe(true);
    expect(fromG.length).toBe(item.size);

    await g.admin.backups.create('to-delete.zip');
    expect(await keys(other.admin)).toEqual(['shared.zip', 'to-delete.zip']);
    await other.admin.backups.delete('to-delete.zip');
    expect(await keys(g.admin)).toEqual(['shared.zip']);
    expect((await failure(g.admin.backups.delete('to-delete.zip'))).status).toBe(404);
  });

  it('restores from the bucket on any instance, putting files kept on S3 back into their bucket', async () => {
    const record = await g.admin.collection('docs').create(form({ title: 'kept', file: fileOf(bytes, 'kept.txt', 'text/plain') }));
    expect(g.core.files.storage()).toBeInstanceOf(S3FileStorage);
    await g.admin.backups.create('with-files.zip');
    await g.admin.collection('docs').delete(record.id);
    expect((await fetch(g.admin.files.getURL(record, record.file))).status).toBe(404);

    // Restored by the other instance: its data becomes g's (files' S3 settings included).
    await other.admin.backups.restore('with-files.zip');
    const restored = other.client();
    const again = await restored.collection('docs').getOne(record.id);
    const res = await fetch(restored.files.getURL(again, again.file));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(other.core.files.storage()).toBeInstanceOf(S3FileStorage);

    // And on g itself, where the file had been deleted from the bucket.
    await g.admin.backups.restore('with-files.zip');
    const back = await fetch(g.client().files.getURL(again, again.file));
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
    expect(existsSync(join(g.dir, 'backups')) ? readdirSync(join(g.dir, 'backups')) : []).toEqual([]);
  });

  it('answers a 400 naming the bucket problem when the bucket cannot be reached', async () => {
    // other holds g's data since the restore above: its superuser signs in again.
    await other.admin.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    await other.admin.settings.update({ backups: { s3: { endpoint: 'http://127.0.0.1:9' } } });
    try {
      const err = await failure(other.admin.backups.getFullList());
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/^Failed to reach the S3 storage of backups: /);
      expect(JSON.stringify(err.response)).not.toContain('S3RVER');
      expect((await failure(other.admin.backups.create('x.zip'))).status).toBe(400);
    } finally {
      await other.admin.settings.update({ backups: { s3: { endpoint } } });
    }
    expect(await keys(other.admin)).toContain('shared.zip');
  });
});
