/**
 * Requests served while another instance changes the schema (docs/operations.md): a
 * statement built from this instance's definitions just before they moved fails with
 * "column/table does not exist" or a stale plan. Instead of a 500, the definitions are
 * reloaded and the work runs again, so the request is answered as under the new
 * schema (a dropped field is gone, a renamed collection is a 404, …).
 */
import type { FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { isSchemaMoved } from '../store/schema-moved.js';

/** Several schema changes in a row (add, then rename, then drop) may each catch the same request. */
const MAX_RETRIES = 3;

/**
 * Runs work; when it fails because the schema moved and mayRetry() still allows it
 * (a write only while nothing was committed), reloads the definitions and runs it again.
 */
export async function withSchemaRetry<T>(core: GalleyCore, work: () => Promise<T>, mayRetry: () => boolean = () => true): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= MAX_RETRIES || !isSchemaMoved(err) || !mayRetry()) throw err;
      await core.collections.refresh();
    }
  }
}

/** A multipart body is a stream read once: such a request cannot be run again. */
export function bodyCanBeReadAgain(request: FastifyRequest): boolean {
  return !String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
}
