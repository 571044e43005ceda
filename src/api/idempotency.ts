/**
 * The `Idempotency-Key` request header (docs/idempotency.md; Stripe's and the IETF
 * draft's): on record create, update and delete and on batch, a request carrying one
 * runs in a transaction that also claims the key and stores the response
 * (core/idempotency/idempotency-keys.ts). A retry with the same key, auth and request
 * gets that response again, marked `Idempotent-Replayed: true`, without writing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { closeScope, openScope, type WriteScope } from '../core/records/write-scope.js';
import { claimKey, ensureIdempotencyTable, saveResponse, type KeyClaim, type StoredResponse } from '../core/idempotency/idempotency-keys.js';
import type { RecordFileWrite } from '../files/record-file-write.js';
import type { UploadedFile } from '../server/multipart.js';

export const REPLAYED_HEADER = 'idempotent-replayed';
const MAX_LENGTH = 255;
/** A bare key (Stripe): visible ASCII but quotes. A structured-field string (IETF draft): printable ASCII in quotes, \" and \\ escaped. */
const BARE = /^[\x21\x23-\x7e]+$/;
const QUOTED = /^"((?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/** The request's key; undefined without the header; a 400 when it is malformed or too long. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  const quoted = QUOTED.exec(value);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : BARE.test(value) ? value : undefined;
  if (key === undefined || key === '') {
    throw new ApiError(400, 'Invalid Idempotency-Key header: expected 1 to 255 visible ASCII characters, or a quoted string.');
  }
  if (key.length > MAX_LENGTH) throw new ApiError(400, `Invalid Idempotency-Key header: longer than ${MAX_LENGTH} characters.`);
  return key;
}

/** What makes two requests the same: method, URL (with its query) and body; uploads by field, name and size. */
function fingerprintOf(request: FastifyRequest, data: unknown, files: readonly UploadedFile[]): string {
  const hash = createHash('sha256').update(`${request.method}\n${request.url}\n${JSON.stringify(data ?? {})}\n`);
  for (const f of files) hash.update(`${f.field}\0${f.filename}\0${f.size}\n`);
  return hash.digest('base64url');
}

/** Keys are per auth identity: a guest's and each record's keys are apart. */
const scopeOf = (request: FastifyRequest): string => {
  const { record, collection } = request.auth;
  return record && collection ? `${collection.id}/${String(record.id)}` : 'guest';
};

/**
 * Runs `write` (record writes through the scope, uploads pushed to `fileWrites`) in one
 * transaction with the key's claim and stored response, or replays the stored response.
 * Errors roll everything back and store nothing: a failed request wrote nothing, so its
 * retry runs again.
 */
export async function idempotent(
  core: GalleyCore,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  body: { data: unknown; files: readonly UploadedFile[] },
  write: (scope: WriteScope, fileWrites: RecordFileWrite[]) => Promise<StoredResponse>,
): Promise<unknown> {
  const claim: KeyClaim = { scope: scopeOf(request), key, fingerprint: fingerprintOf(request, body.data, body.files) };
  const dialect = core.store.dialect.name;
  await ensureIdempotencyTable(core.store);
  const fileWrites: RecordFileWrite[] = [];
  let scope: WriteScope | undefined;
  let replayed = false;
  let response: StoredResponse;
  try {
    response = await core.store.transaction(async (tx) => {
      const stored = await claimKey(tx, dialect, claim);
      if (stored) {
        replayed = true;
        return stored;
      }
      scope = openScope(core.recordDeps, tx);
      const out = await write(scope, fileWrites);
      await saveResponse(tx, dialect, claim, out);
      return out;
    });
  } catch (err) {
    await Promise.all(fileWrites.map((w) => w.abort()));
    throw err;
  }
  if (scope) await closeScope(core.recordDeps, scope);
  await Promise.all(fileWrites.map((w) => w.afterCommit()));
  // Readable by browser code too (CORS hides response headers it is not told to expose).
  if (replayed) void reply.headers({ [REPLAYED_HEADER]: 'true', 'access-control-expose-headers': 'Idempotent-Replayed' });
  void reply.code(response.status);
  return response.body === null ? reply.send() : response.body;
}
