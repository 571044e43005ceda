/**
 * Idempotency keys (docs/idempotency.md): the `_idempotencyKeys` table, one row per
 * (auth scope, key) holding a fingerprint of the request and the response it got.
 *
 * The row is written in the transaction of the write it guards, claim and response
 * together: it commits with the write or not at all, so a crash can leave neither a
 * write without its key nor a key without its write. A second request with the same
 * key meanwhile waits for that transaction (the primary key's insert lock on
 * PostgreSQL, the writer lock on SQLite) and then reads the stored response; on
 * PostgreSQL it waits at most WAIT_SECONDS and then gets a 409. Rows are kept for
 * KEY_TTL_MS and purged by a housekeeping job.
 */
import type { Executor, Store } from '../../store/store.js';
import { ApiError } from '../errors.js';

/** How long a key and its response are kept (Stripe's 24 hours). */
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a retry waits on PostgreSQL for the first request holding its key before a 409. */
const WAIT_SECONDS = 10;

export interface KeyClaim {
  /** Whose key: the caller's auth collection and record id, or `guest`. */
  scope: string;
  key: string;
  /** A hash of the method, URL and body: the same key with another request is a 422. */
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

const tables = new WeakMap<Store, Promise<void>>();

/**
 * Creates the table once per store (tolerating another instance creating it at the same
 * moment): at open (GalleyCore.open, with the other system tables), and awaited again
 * before use, which is then free.
 */
export function ensureIdempotencyTable(store: Store): Promise<void> {
  let ready = tables.get(store);
  if (!ready) {
    ready = createTable(store).catch((err: unknown) => {
      tables.delete(store);
      throw err;
    });
    tables.set(store, ready);
  }
  return ready;
}

async function createTable(store: Store): Promise<void> {
  const [text, ms, int] = store.dialect.name === 'sqlite' ? ['TEXT', 'INTEGER', 'INTEGER'] : ['text', 'bigint', 'integer'];
  const ddl =
    `CREATE TABLE IF NOT EXISTS "_idempotencyKeys" ("scope" ${text} NOT NULL, "key" ${text} NOT NULL, "fingerprint" ${text} NOT NULL, ` +
    `"status" ${int} NOT NULL, "body" ${text} NOT NULL, "created" ${ms} NOT NULL, PRIMARY KEY ("scope", "key"));` +
    `CREATE INDEX IF NOT EXISTS "_idempotencyKeys_created" ON "_idempotencyKeys" ("created");`;
  try {
    await store.exec(ddl);
  } catch (err) {
    // PostgreSQL's IF NOT EXISTS is not atomic: a concurrent creator makes it fail once.
    await store.exec(ddl).catch(() => { throw err; });
  }
}

/**
 * Inside the write's transaction: claims the key for it (undefined: go on and write),
 * or returns the response stored by the request that claimed it first. A 422 when that
 * request was another one; a 409 when it is still running after WAIT_SECONDS.
 */
export async function claimKey(tx: Executor, dialect: 'sqlite' | 'postgres', claim: KeyClaim, now = Date.now()): Promise<StoredResponse | undefined> {
  const p = dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
  // A placeholder row: the response replaces it before the commit (saveResponse).
  const insert = `INSERT INTO "_idempotencyKeys" ("scope", "key", "fingerprint", "status", "body", "created") ` +
    `VALUES (${p(1)}, ${p(2)}, ${p(3)}, 0, '', ${p(4)}) ON CONFLICT DO NOTHING`;
  const take = async () => {
    // An expired row not purged yet is no claim any more.
    await tx.run(`DELETE FROM "_idempotencyKeys" WHERE "scope" = ${p(1)} AND "key" = ${p(2)} AND "created" < ${p(3)}`, [claim.scope, claim.key, now - KEY_TTL_MS]);
    return tx.run(insert, [claim.scope, claim.key, claim.fingerprint, now]);
  };
  let inserted: number;
  if (dialect === 'postgres') {
    // Bounds the wait for a concurrent holder of the key, then back to the default for the write itself.
    await tx.exec(`SET LOCAL lock_timeout = '${WAIT_SECONDS}s'`);
    try {
      inserted = await take();
    } catch (err) {
      if ((err as { code?: unknown }).code === '55P03') throw stillRunning();
      throw err;
    }
    await tx.exec('SET LOCAL lock_timeout TO DEFAULT');
  } else {
    inserted = await take();
  }
  if (inserted === 1) return undefined;
  const row = await tx.get(`SELECT "fingerprint", "status", "body" FROM "_idempotencyKeys" WHERE "scope" = ${p(1)} AND "key" = ${p(2)}`, [claim.scope, claim.key]);
  // Gone between the two statements (purged): claimed by nobody, but this transaction cannot retake it safely.
  if (!row || Number(row.status) === 0) throw stillRunning();
  if (row.fingerprint !== claim.fingerprint) {
    throw new ApiError(422, 'This Idempotency-Key was already used with another request (method, path or body).');
  }
  return { status: Number(row.status), body: row.body === '' ? null : JSON.parse(String(row.body)) };
}

/** Inside the same transaction: the response the claimed key answers from now on. */
export async function saveResponse(tx: Executor, dialect: 'sqlite' | 'postgres', claim: KeyClaim, response: StoredResponse): Promise<void> {
  const p = dialect === 'sqlite' ? () => '?' : (n: number) => `$${n}`;
  const body = response.body === null || response.body === undefined ? '' : JSON.stringify(response.body);
  await tx.run(`UPDATE "_idempotencyKeys" SET "status" = ${p(1)}, "body" = ${p(2)} WHERE "scope" = ${p(3)} AND "key" = ${p(4)}`,
    [response.status, body, claim.scope, claim.key]);
}

/** Deletes keys older than KEY_TTL_MS; returns how many went. */
export async function purgeExpiredKeys(store: Store, now = Date.now()): Promise<number> {
  await ensureIdempotencyTable(store);
  return store.run(`DELETE FROM "_idempotencyKeys" WHERE "created" < ${store.dialect.placeholder(1)}`, [now - KEY_TTL_MS]);
}

const stillRunning = () => new ApiError(409, 'A request with this Idempotency-Key is still being processed; retry later.');
