/**
 * The first-run setup token: while no superuser exists, `galley serve` prints a
 * one-time link `/_/#/install/<token>` whose page creates the first superuser
 * (POST /api/galley/install). Only a SHA-256 of the token is kept, with its expiry,
 * in the shared `_params` table, so any instance on the same PostgreSQL accepts it
 * and a leaked database row does not leak a usable token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';
import { SUPERUSERS } from '../collections/defaults.js';
import { quoteIdent } from '../../store/dialect.js';

export const INSTALL_TOKEN_TTL_MS = 30 * 60 * 1000;
export const INSTALL_TOKEN_KEY = 'galley:installToken';
const KEY = INSTALL_TOKEN_KEY;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function hasSuperuser(store: Store): Promise<boolean> {
  return (await store.get(`SELECT 1 AS "one" FROM ${quoteIdent(SUPERUSERS)} LIMIT 1`, [])) !== undefined;
}

/** A new token (replacing any earlier one) valid for 30 minutes. */
export async function createInstallToken(store: Store, now = Date.now()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const p = store.dialect.placeholder;
  const value = JSON.stringify({ hash: hash(token), expires: now + INSTALL_TOKEN_TTL_MS });
  await store.run(
    `INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value"`,
    [KEY, value],
  );
  return token;
}

/** True when `token` is the current, unexpired setup token. */
export async function checkInstallToken(store: Store, token: string, now = Date.now()): Promise<boolean> {
  const row = await store.get(`SELECT "value" FROM "_params" WHERE "id" = ${store.dialect.placeholder(1)}`, [KEY]);
  if (!row || typeof token !== 'string' || token === '') return false;
  const raw = row.value;
  const stored = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { hash?: string; expires?: number };
  if (typeof stored.hash !== 'string' || typeof stored.expires !== 'number' || stored.expires <= now) return false;
  const a = Buffer.from(hash(token), 'hex');
  const b = Buffer.from(stored.hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The setup link to print at start, or undefined when a superuser already exists. */
export async function installLink(store: Store, baseUrl: string): Promise<string | undefined> {
  if (await hasSuperuser(store)) return undefined;
  return `${baseUrl}/_/#/install/${await createInstallToken(store)}`;
}
