/**
 * No secret reaches a log, on both engines: a `galley serve --logLevel debug` process
 * (every request a line on stdout) gets password sign-ins (right and wrong), a file
 * token and protected file downloads (with the token, a bad one, and the token under
 * a %-encoded parameter name), and an
 * OAuth2 sign-in (the redirect with its code and state, the code exchange); then
 * everything it wrote on stdout and stderr and every row of its log store (read
 * from the database after a clean stop, so the shutdown flush is covered too) is
 * searched for each secret used.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import PocketBase from 'pocketbase';
import { OAuth2Server } from 'oauth2-mock-server';
import { ENGINES, createPgDatabase } from './support/galley.js';
import { killStarted, runCli, startServe } from './support/cli.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-secret-pass-1' };
const USER_PASSWORD = 'user-secret-pass-2';
const WRONG_PASSWORD = 'wrong-secret-pass-3';
const CLIENT_SECRET = 'oauth-client-secret-4';
const REDIRECT = 'https://app.example.test/oauth2-callback';

afterAll(() => killStarted());

describe.each(ENGINES)('secrets in logs on %s', (engine) => {
  it('appear nowhere in the output or the log store of a run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-redaction-'));
    const dbUrl = engine === 'postgres' ? await createPgDatabase() : '';
    const db = dbUrl ? ['--db', dbUrl] : [];
    const idp = new OAuth2Server();
    await idp.issuer.keys.generate('RS256');
    await idp.start(0, '127.0.0.1');
    const secrets: string[] = [ADMIN.password, USER_PASSWORD, WRONG_PASSWORD, CLIENT_SECRET];
    idp.service.on('beforeUserinfo', (res: { body: unknown }) => { res.body = { sub: 'sub-1', email: 'oauth@example.com', email_verified: true }; });
    idp.service.on('beforeResponse', (res: { body: Record<string, unknown> }) => {
      if (typeof res.body.access_token === 'string') secrets.push(res.body.access_token);
    });
    try {
      expect((await runCli(['superuser', 'create', ADMIN.email, ADMIN.password, '--dir', dir, ...db])).code).toBe(0);
      const serve = await startServe(['--http', '127.0.0.1:0', '--dir', dir, '--logLevel', 'debug', ...db]);
      const admin = new PocketBase(serve.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      secrets.push(admin.authStore.token);

      // Password sign-ins, right and wrong.
      const idpBase = `http://127.0.0.1:${idp.address().port}`;
      await admin.collections.update('users', {
        oauth2: { enabled: true, providers: [{ name: 'oidc', clientId: 'galley', clientSecret: CLIENT_SECRET, authURL: `${idpBase}/authorize`, tokenURL: `${idpBase}/token`, userInfoURL: `${idpBase}/userinfo` }] },
      });
      const users = await admin.collections.getOne('users');
      await admin.collections.create({
        name: 'docs', type: 'base', viewRule: '@request.auth.id != ""', createRule: '@request.auth.id != ""',
        fields: [{ name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 }, { name: 'doc', type: 'file', maxSelect: 1, protected: true }],
      });
      const user = new PocketBase(serve.url);
      const created = await admin.collection('users').create({ email: 'u@example.com', password: USER_PASSWORD, passwordConfirm: USER_PASSWORD });
      await user.collection('users').authWithPassword('u@example.com', USER_PASSWORD);
      secrets.push(user.authStore.token);
      await expect(new PocketBase(serve.url).collection('users').authWithPassword('u@example.com', WRONG_PASSWORD)).rejects.toThrow();

      // A file token and protected downloads, with it and with a bad one.
      const form = new FormData();
      form.append('owner', created.id);
      form.append('doc', new Blob(['secret document']), 'doc.txt');
      const doc = await user.collection('docs').create(form);
      const fileToken = await user.files.getToken();
      secrets.push(fileToken);
      const fileUrl = `${serve.url}/api/files/docs/${doc.id}/${doc.doc}`;
      expect((await fetch(`${fileUrl}?token=${fileToken}`)).status).toBe(200);
      expect((await fetch(`${fileUrl}?token=${fileToken}x&thumb=0x0`)).status).toBe(404);
      expect((await fetch(`${fileUrl}?%74oken=${fileToken}`)).status).toBe(200); // the same parameter, its name %-encoded

      // OAuth2: the provider's redirect (code and state in the URL) and the code exchange.
      const methods = await new PocketBase(serve.url).collection('users').listAuthMethods();
      const provider = methods.oauth2.providers[0]!;
      secrets.push(provider.state, provider.codeVerifier);
      const authorize = await fetch(provider.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' });
      const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
      secrets.push(code);
      await fetch(`${serve.url}/api/oauth2-redirect?code=${code}&state=${provider.state}`, { redirect: 'manual' });
      await fetch(`${serve.url}/api/oauth2-redirect?code=${code}&state=${provider.state}&error=x`, { method: 'PUT' }); // a failure: logged
      const signedIn = await new PocketBase(serve.url).collection('users').authWithOAuth2Code('oidc', code, provider.codeVerifier, REDIRECT);
      secrets.push(signedIn.token);

      serve.child.kill('SIGTERM');
      const result = await serve.exited;
      expect(result.code).toBe(0);
      // Batches still waiting for their rows to be built are on disk too: no secret in them either.
      const pending = dbUrl ? await pgPending(dbUrl) : sqlitePending(join(dir, 'auxiliary-pending.db'));
      const rows = dbUrl ? await pgRows(dbUrl) : sqliteRows(join(dir, 'auxiliary.db'));

      // The run did log: requests on stdout (debug) and in the store, the redacted URLs among them.
      const output = `${result.stdout}\n${result.stderr}`;
      expect(output).toContain('/api/collections/users/auth-with-password');
      expect(rows.length).toBeGreaterThan(10);
      const store = rows.join('\n');
      expect(store).toContain('"status":400');
      expect(store).toContain('token=[redacted]');
      expect(store).toContain('code=[redacted]&state=[redacted]');
      expect(store).toContain('POST /api/collections/users/auth-with-oauth2'); // the last request: written by the flush at shutdown
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        expect(output.includes(secret), `secret ${secret.slice(0, 12)}… on stdout/stderr`).toBe(false);
        expect(store.includes(secret), `secret ${secret.slice(0, 12)}… in the log store`).toBe(false);
        expect(pending.includes(secret), `secret ${secret.slice(0, 12)}… in a pending batch`).toBe(false);
      }
    } finally {
      await idp.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function sqlitePending(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT batch FROM _logs_pending').all() as { batch: Buffer }[]).map((r) => r.batch.toString('utf8')).join('\n');
  } finally {
    db.close();
  }
}

async function pgPending(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT batch FROM _logs_pending')).rows.map((r: { batch: Buffer }) => r.batch.toString('utf8')).join('\n');
  } finally {
    await client.end();
  }
}

function sqliteRows(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT message, data FROM _logs').all() as { message: string; data: string }[]).map((r) => JSON.stringify({ message: r.message, data: JSON.parse(r.data) }));
  } finally {
    db.close();
  }
}

async function pgRows(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT message, data FROM _logs')).rows.map((r) => JSON.stringify(r));
  } finally {
    await client.end();
  }
}
