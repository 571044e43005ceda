/**
 * The same upload / download / thumb / delete paths against S3FileStorage, on both
 * engines, with a real S3-compatible server (s3rver) started by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { dimensions, fileOf, form, image, storedKeys } from './support/files.js';
import { S3FileStorage } from '../src/files/s3-file-storage.js';
import { failure } from './support/sdk.js';

const BUCKET = 'galley-files';

describe.each(ENGINES)('S3 file storage on %s', (engine) => {
  let g: TestGalley;
  let s3: S3rver;
  let s3Dir: string;
  let endpoint: string;
  let collectionId: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    s3Dir = mkdtempSync(join(tmpdir(), 'galley-s3-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
    g = await startGalley(engine, { logWarning: (m) => warnings.push(m) });
    await g.admin.settings.update({
      s3: { enabled: true, bucket: BUCKET, region: 'us-east-1', endpoint, accessKey: 'S3RVER', secret: 'S3RVER', forcePathStyle: true },
    });
    const c = await g.admin.collections.create({
      name: 'assets', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'pic', type: 'file', maxSelect: 1, thumbs: ['20x0'] }, { name: 'files', type: 'file', maxSelect: 4 }, { name: 'title', type: 'text', max: 5 }],
    });
    collectionId = c.id;
  });
  afterAll(async () => {
    await g.close();
    await s3.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  const assets = () => g.client().collection('assets');

  it('tests the S3 settings (POST /api/settings/test/s3)', async () => {
    expect(await g.admin.settings.testS3('storage')).toBe(true);
    await g.admin.settings.update({ s3: { bucket: 'no-such-bucket' } });
    const err = await failure(g.admin.settings.testS3('storage'));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/Failed to reach the S3 storage/);
    expect(JSON.stringify(err.response)).not.toContain('S3RVER');
    await g.admin.settings.update({ s3: { bucket: BUCKET } });
    expect((await failure(g.admin.settings.testS3('elsewhere'))).response.data.filesystem.code).toBe('validation_in_invalid');
  });

  it('uses S3 when the s3 settings are enabled', () => {
    expect(g.core.files.storage()).toBeInstanceOf(S3FileStorage);
  });

  it('uploads to the bucket and serves the file with ranges, thumbs and 304s', async () => {
    const png = await image('png', 40, 80);
    const rec = await assets().create(form({ pic: fileOf(png, 'photo.png'), files: [fileOf('0123456789', 'digits.txt')] }));
    expect(await storedKeys(g, collectionId, rec.id)).toHaveLength(2);
    expect(existsSync(join(g.dir, 'storage')) ? readdirSync(join(g.dir, 'storage')) : []).toEqual([]);
    const full = await fetch(g.client().files.getURL(rec, rec.pic));
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);
    const etag = full.headers.get('etag')!;
    expect((await fetch(g.client().files.getURL(rec, rec.pic), { headers: { 'if-none-match': etag } })).status).toBe(304);
    const part = await fetch(g.client().files.getURL(rec, rec.files[0]), { headers: { range: 'bytes=2-4' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('234');
    for (const [thumb, w, h] of [['100x100', 100, 100], ['20x0', 20, 40]] as const) {
      const res = await fetch(g.client().files.getURL(rec, rec.pic, { thumb }));
      expect(await dimensions(await res.arrayBuffer())).toMatchObject({ width: w, height: h });
    }
    expect(await storedKeys(g, collectionId, rec.id)).toContain(`${collectionId}/${rec.id}/thumbs_${rec.pic}/20x0_${rec.pic}`);
  });

  it('deletes replaced files, failed writes\' uploads and deleted records\' files', async () => {
    const rec = await assets().create(form({ pic: fileOf(await image('jpeg', 10, 10), 'first.jpg') }));
    await fetch(g.client().files.getURL(rec, rec.pic, { thumb: '100x100' }));
    const updated = await assets().update(rec.id, form({ pic: fileOf(await image('png', 10, 10), 'second.png') }));
    expect(await storedKeys(g, collectionId, rec.id)).toEqual([`${collectionId}/${rec.id}/${updated.pic}`]);
    const err = await failure(assets().update(rec.id, form({ title: 'too long title', 'files+': fileOf('x', 'orphan.txt') })));
    expect(err.status).toBe(400);
    expect(await storedKeys(g, collectionId, rec.id)).toEqual([`${collectionId}/${rec.id}/${updated.pic}`]);
    await assets().delete(rec.id);
    expect(await storedKeys(g, collectionId, rec.id)).toEqual([]);
    expect((await fetch(g.client().files.getURL(updated, updated.pic))).status).toBe(404);
  });

  it('never returns or logs the secret', async () => {
    const settings = await g.admin.settings.getAll();
    expect(settings.s3).toMatchObject({ enabled: true, bucket: BUCKET, accessKey: 'S3RVER' });
    expect(settings.s3).not.toHaveProperty('secret');
    expect(warnings.join('\n')).not.toContain('S3RVER');
  });
});
