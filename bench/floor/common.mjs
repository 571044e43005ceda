// Shared by the two floor servers: arguments, record shape, ids and timestamps
// built the way PocketBase builds them, so the floor does the same work per
// request that Galley has to do, and nothing more.
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const COLLECTION_ID = 'pbc_floor00post';
export const COLLECTION_NAME = 'posts';

export function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8090' },
      db: { type: 'string', default: process.env.BENCH_DB ?? '' },
      rows: { type: 'string', default: process.env.BENCH_ROWS ?? '100000' },
      ids: { type: 'string', default: process.env.BENCH_IDS ?? '' },
      // Login mode: seed this many users (instead of posts) and write their emails to --ids.
      login: { type: 'string', default: '0' },
      // The posts of `seed.mjs --rules`: two relation columns, owner and author, the
      // owner indexed (each insert updates that index too) and sent in every record.
      rules: { type: 'boolean', default: false },
    },
  });
  return { port: Number(values.port), db: values.db, rows: Number(values.rows), ids: values.ids, login: Number(values.login), rules: values.rules };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// 15 chars of [a-z0-9], like PocketBase's default record id. Bytes >= 252 are
// skipped so that every character is equally likely (252 = 7 * 36).
export function newId() {
  let id = '';
  while (id.length < 15) {
    for (const b of randomBytes(20)) {
      if (b < 252 && id.length < 15) id += ALPHABET[b % 36];
    }
  }
  return id;
}

// PocketBase's datetime format: "2024-01-02 03:04:05.678Z".
export function now() {
  return new Date().toISOString().replace('T', ' ');
}

/** The posts' columns (with --rules, the relation columns of seed.mjs --rules too). */
export const postColumns = (rules) => (rules ? ['id', 'title', 'n', 'owner', 'author', 'created', 'updated'] : ['id', 'title', 'n', 'created', 'updated']);

export function toRecord(row) {
  const record = { collectionId: COLLECTION_ID, collectionName: COLLECTION_NAME, id: row.id, title: row.title, n: row.n };
  if (row.owner !== undefined) {
    record.owner = row.owner;
    record.author = row.author;
  }
  record.created = row.created;
  record.updated = row.updated;
  return record;
}

export function listEnvelope(page, perPage, totalItems, rows) {
  return {
    items: rows.map(toRecord),
    page,
    perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / perPage),
  };
}

// PocketBase clamps page to >= 1 and perPage to 1..1000 (default 30).
export function paging(query) {
  const page = Math.max(1, Number.parseInt(query.page, 10) || 1);
  const perPage = Math.min(1000, Math.max(1, Number.parseInt(query.perPage, 10) || 30));
  return { page, perPage };
}

// The create body as PocketBase would coerce it for a text and a number field (and,
// with --rules, two single relations: an id or '').
export function newRow(body, rules = false) {
  const stamp = now();
  const row = {
    id: newId(),
    title: typeof body?.title === 'string' ? body.title : '',
    n: Number(body?.n) || 0,
    created: stamp,
    updated: stamp,
  };
  if (rules) {
    row.owner = typeof body?.owner === 'string' ? body.owner : '';
    row.author = typeof body?.author === 'string' ? body.author : '';
  }
  return row;
}

/** With --rules, the seeded posts' owner and author: spread over 100 of each, as seed.mjs does. */
export const seededRelations = (i) => ({ owner: `owner${String(i % 100).padStart(10, '0')}`, author: `author${String(i % 100).padStart(9, '0')}` });

export const notFound = { status: 404, message: "The requested resource wasn't found.", data: {} };
export const health = { code: 200, message: 'API is healthy.', data: {} };

export function writeIds(file, ids) {
  if (file) writeFileSync(file, ids.join('\n') + '\n');
}

// Close on SIGTERM/SIGINT so the database is shut down cleanly (SQLite
// checkpoints its WAL, pg ends its sessions) before the next phase starts.
export function closeOnSignal(close) {
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    try {
      await close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// --- login floor -----------------------------------------------------------------
// With --login=N the floors answer POST /api/collections/users/auth-with-password
// the way a correct server must: look the email up, verify the argon2id hash
// (Galley's parameters, src/core/auth/password.ts), and for an unknown email
// verify against a dummy hash so that it costs the same. Then an HS256 token
// (node:crypto) and the record. No rules, no MFA, no collection metadata.

export const LOGIN_PASSWORD = 'loginpassword123';
export const loginEmail = (i) => `login${i}@example.com`;
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
const TOKEN_SECRET = randomBytes(32);
const failed = { status: 400, message: 'Failed to authenticate.', data: {} };

export async function loginKit() {
  const argon2 = await import('@node-rs/argon2');
  const options = { ...ARGON2, algorithm: argon2.Algorithm.Argon2id };
  const hash = (plain) => argon2.hash(plain, options);
  const dummy = await hash('floor-dummy-password-for-timing-parity');
  const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
  const header = b64({ alg: 'HS256', typ: 'JWT' });
  return {
    /** N user rows with hashed passwords (hashed in parallel on the thread pool). */
    async users(n) {
      const stamp = now();
      const hashes = await Promise.all(Array.from({ length: n }, () => hash(LOGIN_PASSWORD)));
      return hashes.map((password, i) => ({ id: newId(), email: loginEmail(i), password, tokenKey: newId(), created: stamp, updated: stamp }));
    },
    /** The reply for a sign-in with body against row (undefined when the email is unknown). */
    async respond(row, body, reply) {
      const password = typeof body?.password === 'string' ? body.password : '';
      const ok = await argon2.verify(row ? row.password : dummy, password).catch(() => false);
      if (!row || !ok) return reply.code(400).send(failed);
      const payload = b64({ id: row.id, type: 'auth', collectionId: '_pb_users_auth_', refreshable: true, exp: Math.floor(Date.now() / 1000) + 604800 });
      const mac = createHmac('sha256', Buffer.concat([TOKEN_SECRET, Buffer.from(row.tokenKey)])).update(`${header}.${payload}`).digest('base64url');
      return {
        token: `${header}.${payload}.${mac}`,
        record: {
          collectionId: '_pb_users_auth_', collectionName: 'users', id: row.id, email: row.email,
          emailVisibility: false, verified: false, name: '', avatar: '', created: row.created, updated: row.updated,
        },
      };
    },
  };
}
