/**
 * Starts Galley the way an embedding program does: createApp(), registrations, start(),
 * on a fresh SQLite directory or PostgreSQL database, with a superuser SDK client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { createApp, type GalleyApp, type GalleyOptions } from '../../src/index.js';
import { createPgDatabase, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type Engine } from './galley.js';

export interface TestApp {
  app: GalleyApp;
  url: string;
  dir: string;
  admin: PocketBase;
  client(): PocketBase;
  close(): Promise<void>;
}

export async function startApp(
  engine: Engine, register: (app: GalleyApp) => void = () => {}, options: GalleyOptions = {}, dir = mkdtempSync(join(tmpdir(), 'galley-app-')),
): Promise<TestApp> {
  const db = engine === 'postgres' ? await createPgDatabase() : undefined;
  const app = createApp({ ...options, dir, ...(db ? { db } : {}), http: '127.0.0.1:0', server: { logError: (err) => console.error('unexpected 500 in test server:', err) } });
  register(app);
  const { url } = await app.start();
  await app.app.records.create('_superusers', { email: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD, passwordConfirm: SUPERUSER_PASSWORD });
  const client = () => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    return pb;
  };
  const admin = client();
  await admin.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
  return {
    app, url, dir, admin, client,
    async close() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
