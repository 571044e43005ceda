/**
 * The backups API (API spec 8.6), superusers only: list, create, upload, download
 * (with a superuser file token in ?token=, Range supported), delete, restore. The work is in
 * core.backups (src/backups/); here requests are parsed and errors mapped: another
 * backup or restore running, a refused archive and an unreachable S3 bucket of backups
 * are PocketBase's 400s.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, badRequest, fieldError, notFound } from '../core/errors.js';
import { requireSuperuser } from './guards.js';
import { readBody } from '../server/body.js';
import { BackupBusyError } from '../backups/backup-lock.js';
import { ArchiveError } from '../backups/archive-reader.js';
import { isBackupKey } from '../backups/backup-storage.js';
import { RestoreError } from '../backups/database-restorer.js';
import { BackupFailedError } from '../backups/backup-service.js';
import { BackupStorageError } from '../backups/s3-backup-storage.js';
import { resolveFileToken } from '../core/auth/file-token.js';
import { clientIp } from '../server/client-ip.js';
import { SuperuserIpGuard } from '../server/superuser-ip-guard.js';
import { requestedRange } from '../files/serve-headers.js';

type KeyParams = { key: string };

/** The backup work's own errors as the API's 400s. */
async function mapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof BackupBusyError || err instanceof BackupFailedError) throw badRequest(err.message);
    if (err instanceof ArchiveError) throw badRequest(`The backup archive is invalid: ${err.message}`);
    if (err instanceof RestoreError) throw badRequest(`The backup cannot be restored: ${err.message}`);
    if (err instanceof BackupStorageError) throw badRequest(err.message);
    throw err;
  }
}

export function registerBackupRoutes(app: FastifyInstance, core: GalleyCore): void {
  const superuserIps = new SuperuserIpGuard();

  app.get('/api/backups', async (request) => {
    requireSuperuser(request);
    return mapped(core.backups.list());
  });

  app.post('/api/backups', async (request, reply) => {
    requireSuperuser(request);
    const { data, dispose } = await readBody(request);
    await dispose();
    const name = data.name;
    if (name !== undefined && name !== '' && typeof name !== 'string')
      throw badRequest('An error occurred while validating the submitted data.', { name: fieldError('validation_invalid_string', 'Must be a string.') });
    await mapped(core.backups.create(typeof name === 'string' && name !== '' ? name : undefined));
    return reply.code(204).send();
  });

  app.post('/api/backups/upload', async (request, reply) => {
    requireSuperuser(request);
    // No size limit on this route, as in PocketBase: archives are as large as the data.
    const body = await readBody(request, { keepFiles: { total: Number.MAX_SAFE_INTEGER } });
    try {
      const file = body.files.find((f) => f.field === 'file' && f.path);
      if (!file?.path) throw badRequest('An error occurred while validating the submitted data.', { file: fieldError('validation_required', 'Cannot be blank.') });
      await mapped(core.backups.upload(file.path, file.filename));
    } finally {
      await body.dispose();
    }
    return reply.code(204).send();
  });

  app.get('/api/backups/:key', async (request, reply) => {
    const { key } = request.params as KeyParams;
    // Only a superuser file token from ?token= (a link the browser follows has no header).
    if (!(await fileTokenIsSuperuser(request, (request.query as { token?: unknown }).token))) throw new ApiError(403, 'Insufficient permissions to access the resource.');
    const info = isBackupKey(key) ? await mapped(core.backups.storage.stat(key)) : undefined;
    if (!info) throw notFound('Missing or invalid backup file.');
    const stored = { size: info.size, contentType: 'application/zip', lastModified: info.modified, etag: `"${info.size.toString(16)}-${Math.floor(info.modified.getTime()).toString(16)}"` };
    const range = requestedRange(request.headers, stored);
    reply.headers({ 'content-type': 'application/zip', 'content-disposition': `attachment; filename=${key}`, 'accept-ranges': 'bytes', etag: stored.etag, 'last-modified': info.modified.toUTCString() });
    if (range === 'unsatisfiable') {
      reply.code(416).header('content-range', `bytes */${info.size}`).type('application/json');
      return reply.send(new ApiError(416, 'The requested range is not satisfiable.').toJSON());
    }
    const body = await mapped(core.backups.storage.read(key, range));
    if (!body) throw notFound('Missing or invalid backup file.');
    if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`).header('content-length', range.end - range.start + 1);
    else reply.header('content-length', info.size);
    return reply.send(body);
  });

  app.delete('/api/backups/:key', async (request, reply) => {
    requireSuperuser(request);
    await mapped(core.backups.delete((request.params as KeyParams).key));
    return reply.code(204).send();
  });

  // Answered once the restored data is in place and answers (PocketBase answers first and restarts).
  app.post('/api/backups/:key/restore', async (request, reply) => {
    requireSuperuser(request);
    await mapped(core.backups.restore((request.params as KeyParams).key));
    return reply.code(204).send();
  });

  async function fileTokenIsSuperuser(request: FastifyRequest, token: unknown): Promise<boolean> {
    const auth = await resolveFileToken(core.store, core.collections, typeof token === 'string' ? token : '');
    if (!auth.isSuperuser) return false;
    const settings = core.settings.current();
    return !superuserIps.check(settings.superuserIPs, clientIp(request, settings.trustedProxy));
  }
}
