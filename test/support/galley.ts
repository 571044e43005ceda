/**
 * Starts a real Galley (core + HTTP server on 127.0.0.1, random port) on a fresh
 * SQLite directory or a fresh PostgreSQL database, with a signed-in superuser.
 * Settings are the defaults: the general rate limiter is off (as in PocketBase) and
 * sign-in protection counts only failures, so the suites' many sign-ins pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import PocketBase from 'pocketbase';
import { inject } from 'vitest';
import { GalleyCore } from '../../src/core/galley-core.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { createRecord } from '../../src/core/records/record-writer.js';
import { SUPERUSER_SYSTEM } from '../../src/core/auth/request-auth.js';
import { systemAccess } from '../../src/core/rules/rule-access.js';

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: Engine[] = ['sqlite', 'postgres'];

export const SUPERUSER_EMAIL = 'admin@example.com';
export const SUPERUSER_PASSWORD = 'correct-horse-battery';

export interface TestGalley {
  engine: Engine;
  url: string;
  core: GalleyCore;
  /** An SDK client signed in as superuser. */
  admin: PocketBase;
  /** A fresh SDK client with no auth. */
  client(): PocketBase;
  /** Raw HTTP against the server. */
  fetch(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  dir: string;
  dbUrl: string;
  close(): Promise<void>;
}

/** A new, empty PostgreSQL database on the test server; returns its URL. */
export async function createPgDatabase(): Promise<string> {
  const adminUrl = inject('pgUrl');
  const name = `galley_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface StartOptions extends AppOptions {
  /** Schedule cron jobs (as `galley serve` does); off by default so suites stay quiet. */
  crons?: boolean;
  /** Create the superuser (default); false starts a first-run server with none (`admin` is then signed out). */
  superuser?: boolean;
  /** postgres: this database instead of a new one on the test server (e.g. PGlite with pgvector, test/support/pglite-server.ts). */
  dbUrl?: string;
  /** postgres: the size of the connection pool (PGlite is one session: 1). */
  dbPoolSize?: number;
}

export async function startGalley(engine: Engine, { crons = false, superuser = true, dbUrl: givenDb, dbPoolSize, ...options }: StartOptions = {}): Promise<TestGalley> {
  const dir = mkdtempSync(join(tmpdir(), 'galley-test-'));
  const dbUrl = engine === 'postgres' ? givenDb ?? await createPgDatabase() : '';
  const core = await GalleyCore.open({ dir, db: dbUrl, ...(dbPoolSize ? { dbPoolSize } : {}) });
  const app = await buildApp(core, { logError: (err) => console.error('unexpected 500 in test server:', err), ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  if (crons) await core.crons.start();
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;

  const admin = new PocketBase(url);
  admin.autoCancellation(false);
  if (superuser) {
    await createRecord(
      { store: core.store, collections: core.collections },
      core.collections.get('_superusers'),
      { email: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD, passwordConfirm: SUPERUSER_PASSWORD },
      systemAccess(core.collections.registry, SUPERUSER_SYSTEM),
    );
    await admin.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
  }

  return {
    engine, url, core, admin, dir, dbUrl,
    client() {
      const pb = new PocketBase(url);
      pb.autoCancellation(false);
      return pb;
    },
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.token) headers.set('Authorization', init.token);
      return fetch(url + path, { ...init, headers });
    },
    async close() {
      await app.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
