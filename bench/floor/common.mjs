// Shared by the two floor servers: arguments, record shape, ids and timestamps
// built the way PocketBase builds them, so the floor does the same work per
// request that Galley has to do, and nothing more.
import { randomBytes } from 'node:crypto';
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
    },
  });
  return { port: Number(values.port), db: values.db, rows: Number(values.rows), ids: values.ids };
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

export function toRecord(row) {
  return {
    collectionId: COLLECTION_ID,
    collectionName: COLLECTION_NAME,
    id: row.id,
    title: row.title,
    n: row.n,
    created: row.created,
    updated: row.updated,
  };
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

// The create body as PocketBase would coerce it for a text and a number field.
export function newRow(body) {
  const stamp = now();
  return {
    id: newId(),
    title: typeof body?.title === 'string' ? body.title : '',
    n: Number(body?.n) || 0,
    created: stamp,
    updated: stamp,
  };
}

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
