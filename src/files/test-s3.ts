/**
 * `POST /api/settings/test/s3` (API spec 8.3): checks that the S3 settings reach the
 * bucket (a listing, nothing written). `filesystem` is `storage` (uploads); `backups`
 * has no storage of its own yet. A failure is a 400 whose message never holds the secret.
 */
import { badRequest, fieldError } from '../core/errors.js';
import type { Settings } from '../core/settings/settings.js';
import { S3FileStorage } from './s3-file-storage.js';

export async function testS3(settings: Settings, filesystem: unknown): Promise<void> {
  const which = filesystem === undefined || filesystem === '' ? 'storage' : filesystem;
  if (which !== 'storage' && which !== 'backups')
    throw badRequest('An error occurred while validating the submitted data.', { filesystem: fieldError('validation_in_invalid', 'Must be storage or backups.') });
  if (which === 'backups') throw badRequest('Backups have no S3 storage in this version.');
  const s3 = settings.s3;
  if (!s3.enabled) throw badRequest('S3 storage is not enabled.');
  const storage = new S3FileStorage(s3);
  try {
    await storage.list('__galley_s3_test__/');
  } catch (err) {
    const message = ((err as Error).message || 'unknown error').replaceAll(s3.secret || '\0', '***');
    throw badRequest(`Failed to reach the S3 storage: ${message}`);
  } finally {
    storage.close();
  }
}
