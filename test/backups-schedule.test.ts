/**
 * The `backups` settings section and scheduled backups, on both engines: validation
 * (cron expression, cronMaxKeep, the s3 block with its write-only secret), the
 * `__pbAutoBackup__` job following the schedule, automatic backups named
 * `@auto_pb_backup_…`, verified, with the oldest beyond cronMaxKeep deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/errors.js';
import { eventually } from './support/realtime.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import S3rver from 's3rver';

describe.each(ENGINES)('scheduled backups on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine, { crons: true });
  });
  afterAll(() => g.close());

  it('has the backups section with PocketBase defaults, validated, its s3 secret never shown', async () => {
    const settings = (await g.admin.settings.getAll()) as Record<string, any>;
    expect(settings.backups).toEqual({ cron: '', cronMaxKeep: 3, s3: { enabled: false, bucket: '', region: '', endpoint: '', accessKey: '', forcePathStyle: false } });
    const bad = await failure(g.admin.settings.update({ backups: { cron: 'every day', cronMaxKeep: 0 } }));
    expect(bad.status).toBe(400);
    expect(bad.response.data.backups.cron.code).toBe('validation_invalid_cron');
    const keep = await failure(g.admin.settings.update({ backups: { cron: '0 0 * * *', cronMaxKeep: 0 } }));
    expect(keep.response.data.backups.cronMaxKeep.code).toBe('validation_min_greater_equal_than_required');
    const s3 = await failure(g.admin.settings.update({ backups: { s3: { enabled: true } } }));
    expect(s3.response.data.backups.s3.bucket.code).toBe('validation_required');
    const saved = (await g.admin.settings.update({ backups: { s3: { bucket: 'b', region: 'r', endpoint: 'http://127.0.0.1:9', accessKey: 'k', secret: 'the-s3-secret' } } })) as Record<string, any>;
    expect(saved.backups.s3.bucket).toBe('b');
    expect(JSON.stringify(saved)).not.toContain('the-s3-secret');
    expect(JSON.stringify(await g.admin.settings.getAll())).not.toContain('the-s3-secret');
    // Nothing was scheduled by the refused patches.
    expect((await g.admin.crons.getFullList()).map((j) => j.id)).not.toContain('__pbAutoBackup__');
  });

  it('tests the backups S3 bucket (POST /api/settings/test/s3 with filesystem "backups")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-s3-backups-'));
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'archives', configs: [] }] });
    const { port } = await s3.run();
    try {
      expect((await failure(g.admin.settings.testS3('backups'))).message).toBe('S3 storage of backups is not enabled.');
      await g.admin.settings.update({ backups: { s3: { enabled: true, bucket: 'archives', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, accessKey: 'S3RVER', secret: 'S3RVER', forcePathStyle: true } } });
      expect(await g.admin.settings.testS3('backups')).toBe(true);
      // The files' own s3 section is not the backups' one.
      expect((await failure(g.admin.settings.testS3('storage'))).message).toBe('S3 storage is not enabled.');
      await g.admin.settings.update({ backups: { s3: { bucket: 'no-such-bucket' } } });
      const err = await failure(g.admin.settings.testS3('backups'));
      expect(err.message).toMatch(/^Failed to reach the S3 storage/);
      expect(JSON.stringify(err.response)).not.toContain('S3RVER');
    } finally {
      await g.admin.settings.update({ backups: { s3: { enabled: false } } });
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes scheduled backups, verified, keeping the newest cronMaxKeep', async () => {
    await g.admin.settings.update({ backups: { cron: '*/2 * * * * *', cronMaxKeep: 2 } });
    expect((await g.admin.crons.getFullList()).find((j) => j.id === '__pbAutoBackup__')?.expression).toBe('*/2 * * * * *');
    const seen = new Set<string>();
    await eventually(async () => {
      const autos = (await g.admin.backups.getFullList()).filter((b) => b.key.startsWith('@auto_pb_backup_'));
      for (const b of autos) seen.add(b.key);
      expect(seen.size).toBeGreaterThanOrEqual(3);
      expect(autos.length).toBeLessThanOrEqual(2);
    }, 20_000);
    for (const b of (await g.admin.backups.getFullList()) as unknown as Record<string, any>[]) {
      expect(b.key).toMatch(/^@auto_pb_backup_galley_\d{14}\.zip$/);
      expect(b.verification.ok).toBe(true);
    }
    await g.admin.settings.update({ backups: { cron: '' } });
    expect((await g.admin.crons.getFullList()).map((j) => j.id)).not.toContain('__pbAutoBackup__');
  });
});
