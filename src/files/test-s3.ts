/**
 * `POST /api/settings/test/s3` (API spec 8.3): checks that the S3 settings reach the
 * bucket (a listing, nothing written). `filesystem` is `storage` (uploads, `s3`) or
 * `backups` (`backups.s3`). A failure is a 400 whose message never holds the secret.
 */
import { badRequest, fieldError } from '../core/errors.js';
import type { Settings } from '../core/settings/settings.js';
import { S3FileStorage } from './s3-file-storage.js';

export async function testS3(settings: Settings, filesystem: unknown): Promise<void> {
  const which = filesystem === undefined || filesystem === '' ? 'storage' : filesystem;
  if (which !== 'storage' && which !== 'backups')
    throw badRequest('An error occurred while validating the submitted data.', { filesystem: fieldError('validation_in_invalid', 'Must be storage or backups.') });
  const s3 = which === 'backups' ? settings.backups.s3 : settings.s3;
  if (!s3.enabled) throw badRequest(which === 'backups' ? 'S3 storage of backups is not enabled.' : 'S3 storage is not enabled.');
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
