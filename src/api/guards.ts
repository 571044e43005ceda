/** Route guards shared by the API modules. */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';

/** Superusers only: 401 without auth, 403 for other auth records (API spec 4.5). */
export function requireSuperuser(request: FastifyRequest): void {
  if (request.auth.isSuperuser) return;
  if (!request.auth.record) throw new ApiError(401, 'The request requires valid superuser authorization token.');
  throw new ApiError(403, 'The authorized record is not allowed to perform this action.');
}
