/**
 * The built `galley` CLI (API spec 5.13 for superusers): help, one-line errors without
 * stack traces, superuser management on SQLite and PostgreSQL, and serve's lifecycle.
 * Needs `npm run build` first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { createPgDatabase } from './support/galley.js';
import { freePort } from './support/postgres-server.js';
import { killStarted, lines, runCli, startServe, type CliResult } from './support/cli.js';
import { failure } from './support/sdk.js';

// Each test runs the CLI several times, a process start each (seconds apiece on a busy machine).
vi.setConfig({ testTimeout: 120_000 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failed command: non-zero exit, exactly one line on stderr, no stack trace. */
function expectOneLineError(r: CliResult, ...mentions: string[]) {
  expect(r.code, `stderr: ${r.stderr}`).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const m of mentions) expect(r.stderr).toContain(m);
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'galley-cli-test-'));
});
afterEach(() => killStarted());
afterAll(() => {
  killStarted();
  rmSync(tmp, { recursive: true, force: true });
});

let dirs = 0;
const newDir = () => join(tmp, `data${++dirs}`);

describe('help', () => {
  it.each([
    [['--help'], ['Usage: galley', 'serve', 'superuser']],
    [['serve', '--help'], ['Usage: galley serve', '--http', '--dir', '--db']],
    [['superuser', '--help'], ['Usage: galley superuser', 'create', 'upsert', 'delete']],
    [['superuser', 'create', '--help'], ['Usage: galley superuser create', '<email>', '<password>']],
  ])('galley %j exits 0 with usage', async (args, mentions) => {
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const m of mentions) expect(r.stdout).toContain(m);
  });

  // PocketBase's global --dir (and Galley's --db) on every command that has a data directory.
  it.each([
    'serve', 'migrate up', 'migrate down', 'migrate status', 'migrate create', 'migrate collections',
    'typegen', 'superuser create', 'superuser upsert', 'superuser delete', 'superuser ips',
  ])('galley %s takes --dir and --db', async (command) => {
    const r = await runCli([...command.split(' '), '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('--dir <dir>');
    expect(r.stdout).toContain('--db <url>');
  });

  it('--version prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('usage and configuration errors: one line, non-zero, no stack trace', () => {
  it.each([
    [['--bogus'], ['--bogus', 'galley --help']],
    [['serve', '--bogus'], ['--bogus', 'galley serve --help']],
    [['superuser', 'create', '--bogus', 'a@example.com', 'password123'], ['--bogus']],
    [['frobnicate'], ['frobnicate']],
    [['superuser', 'frob'], ['frob']],
    [['superuser', 'create'], ['email']],
    [['superuser', 'create', 'a@example.com'], ['password']],
  ])('galley %j', async (args, mentions) => {
    expectOneLineError(await runCli(args), ...mentions);
  });

  it.each(['nonsense', '127.0.0.1', '127.0.0.1:99999', '127.0.0.1:-1', 'host name:80'])('a bad --http address %j', async (addr) => {
    const r = await runCli(['serve', `--http=${addr}`, '--dir', newDir()]);
    expectOneLineError(r, '--http', addr);
  });

  describe('an --http address already in use', () => {
    let blocker: Server;
    afterEach(() => new Promise<void>((r) => blocker.close(() => r())));

    it('is one line naming the address', async () => {
      const port = await freePort();
      blocker = createServer();
      await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
      const r = await runCli(['serve', `--http=127.0.0.1:${port}`, '--dir', newDir()]);
      expectOneLineError(r, `127.0.0.1:${port}`, 'already in use');
    });
  });

  it('an unreachable --db, without echoing its password', async () => {
    const started = Date.now();
    const r = await runCli(['serve', '--db', 'postgres://postgres:s3cret-pw@127.0.0.1:1/x', '--dir', newDir(), '--http', '127.0.0.1:0']);
    expectOneLineError(r, 'PostgreSQL', '127.0.0.1:1');
    expect(r.stderr).not.toContain('s3cret-pw');
    expect(Date.now() - started).toBeLessThan(15_000);
    // superuser commands report it the same way
    expectOneLineError(await runCli(['superuser', 'create', 'a@example.com', 'password123', '--db', 'postgres://postgres@127.0.0.1:1/x']), 'PostgreSQL');
  });

  it.each(['mysql://root@localhost/app', 'sqlite:///tmp/x.db', 'not a url'])('a --db URL that is not PostgreSQL: %j', async (url) => {
    const r = await runCli(['serve', '--db', url, '--dir', newDir()]);
    expectOneLineError(r, '--db');
  });

  it('a data directory that cannot be created (a path under a regular file)', async () => {
    const file = join(tmp, 'a-regular-file');
    writeFileSync(file, 'x');
    const dir = join(file, 'data');
    expectOneLineError(await runCli(['serve', '--dir', dir, '--http', '127.0.0.1:0']), dir);
    expectOneLineError(await runCli(['superuser', 'create', 'a@example.com', 'password123', '--dir', dir]), dir);
  });
});

/** Signs in as a superuser against a running server; resolves to the HTTP status. */
async function signInStatus(url: string, email: string, password: string): Promise<number> {
  const pb = new PocketBase(url);
  try {
    await pb.collection('_superusers').authWithPassword(email, password);
    return 200;
  } catch (err) {
    return (await failure(Promise.reject(err))).status;
  }
}

describe.each(['sqlite', 'postgres'] as const)('superuser commands on %s', (engine) => {
  let target: string[];

  beforeAll(async () => {
    target = engine === 'sqlite' ? ['--dir', newDir()] : ['--db', await createPgDatabase(), '--dir', newDir()];
  });

  const su = (...args: string[]) => runCli(['superuser', ...args, ...target]);

  it('create, upsert and delete, then serve signs in accordingly', async () => {
    const created = await su('create', 'root@example.com', 'first-password');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('root@example.com');
    expect((await su('create', 'other@example.com', 'other-password')).code).toBe(0);
    expect((await su('create', 'gone@example.com', 'gone-password')).code).toBe(0);

    // a duplicate (also in another case) is refused with a clear line
    expectOneLineError(await su('create', 'root@example.com', 'second-password'), 'root@example.com', 'already exists');
    expectOneLineError(await su('create', 'ROOT@example.com', 'second-password'), 'already exists');
    // invalid input is refused with the field's message
    expectOneLineError(await su('create', 'not-an-email', 'password123'), 'email');
    expectOneLineError(await su('create', 'short@example.com', 'short'), 'password');

    // upsert changes the password of an existing one and creates a missing one
    const up = await su('upsert', 'root@example.com', 'changed-password');
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect((await su('upsert', 'new@example.com', 'new-password-1')).code).toBe(0);
    expectOneLineError(await su('upsert', 'bad email', 'password123'), 'email');

    // delete
    const del = await su('delete', 'gone@example.com');
    expect(del).toMatchObject({ code: 0, stderr: '' });
    expectOneLineError(await su('delete', 'gone@example.com'), 'gone@example.com', 'does not exist');

    const port = await freePort();
    const serve = await startServe([`--http=127.0.0.1:${port}`, ...target]);
    expect(serve.url).toBe(`http://127.0.0.1:${port}`);
    expect(await signInStatus(serve.url, 'root@example.com', 'changed-password')).toBe(200);
    expect(await signInStatus(serve.url, 'root@example.com', 'first-password')).toBe(400);
    expect(await signInStatus(serve.url, 'other@example.com', 'other-password')).toBe(200);
    expect(await signInStatus(serve.url, 'new@example.com', 'new-password-1')).toBe(200);
    expect(await signInStatus(serve.url, 'gone@example.com', 'gone-password')).toBe(400);
    expect(await signInStatus(serve.url, 'short@example.com', 'short')).toBe(400);
    const admin = new PocketBase(serve.url);
    await admin.collection('_superusers').authWithPassword('root@example.com', 'changed-password');
    const emails = (await admin.collection('_superusers').getFullList()).map((r) => r.email).sort();
    expect(emails).toEqual(['new@example.com', 'other@example.com', 'root@example.com']);
    process.kill(serve.child.pid!, 'SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });

  it('refuses to delete the last superuser', async () => {
    const only = engine === 'sqlite' ? ['--dir', newDir()] : ['--db', await createPgDatabase(), '--dir', newDir()];
    expect((await runCli(['superuser', 'create', 'only@example.com', 'only-password', ...only])).code).toBe(0);
    expectOneLineError(await runCli(['superuser', 'delete', 'only@example.com', ...only]), 'only');
  });
});

describe('serve', () => {
  let dir: string;
  beforeAll(async () => {
    dir = newDir();
    expect((await runCli(['superuser', 'create', 'serve@example.com', 'serve-password', '--dir', dir])).code).toBe(0);
  });

  it('prints the API and dashboard URLs, answers, and stops with 0 on SIGTERM', async () => {
    const port = await freePort();
    const serve = await startServe([`--http=127.0.0.1:${port}`, '--dir', dir]);
    const base = `http://127.0.0.1:${port}`;
    expect(serve.stdout()).toContain(`${base}/api/`);
    expect(serve.stdout()).toContain(`${base}/_/`);
    expect(serve.stderr()).toBe('');
    expect((await fetch(`${base}/api/health`)).status).toBe(200);

    const stopAt = Date.now();
    process.kill(serve.child.pid!, 'SIGTERM');
    const exit = await serve.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(exit.stderr).toBe('');
  });

  it('prints the port actually bound for --http=HOST:0', async () => {
    const serve = await startServe(['--http=127.0.0.1:0', '--dir', dir]);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.url).not.toBe('http://127.0.0.1:0');
    expect((await fetch(`${serve.url}/api/health`)).status).toBe(200);
  });

  it('prints a one-time dashboard setup link while no superuser exists', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'galley-cli-install-'));
    try {
      const serve = await startServe(['--http=127.0.0.1:0', '--dir', fresh]);
      await vi.waitFor(() => expect(serve.stdout()).toMatch(/No superuser yet/), { timeout: 5000 });
      const link = /(http:\/\/\S+\/_\/#\/install\/[\w-]+)/.exec(serve.stdout())![1]!;
      expect(link.startsWith(`${serve.url}/_/#/install/`)).toBe(true);
      const token = link.split('/').pop()!;
      const res = await fetch(`${serve.url}/api/galley/install`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, email: 'first@example.com', password: 'first-password-1', passwordConfirm: 'first-password-1' }),
      });
      expect(res.status).toBe(204);
      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
      // With a superuser, no link.
      const again = await startServe(['--http=127.0.0.1:0', '--dir', fresh]);
      await new Promise((r) => setTimeout(r, 300));
      expect(again.stdout()).not.toMatch(/No superuser yet/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('lets an in-flight request complete after SIGTERM', async () => {
    const port = await freePort();
    const serve = await startServe([`--http=127.0.0.1:${port}`, '--dir', dir]);
    // A sign-in whose body is still being sent when the signal arrives.
    const req = request(`http://127.0.0.1:${port}/api/collections/_superusers/auth-with-password`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
    });
    req.write('{"identity":"serve@example.com",');
    await sleep(300);
    const stopAt = Date.now();
    process.kill(serve.child.pid!, 'SIGTERM');
    await sleep(500);
    expect(serve.child.exitCode).toBeNull(); // still serving the open request
    req.end('"password":"serve-password"}');
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ token: expect.any(String), record: { email: 'serve@example.com' } });
    const exit = await serve.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
  });

  it('serves a PostgreSQL database given with --db', async () => {
    const db = await createPgDatabase();
    expect((await runCli(['superuser', 'upsert', 'pg@example.com', 'pg-password-1', '--db', db, '--dir', newDir()])).code).toBe(0);
    const serve = await startServe(['--http=127.0.0.1:0', '--db', db, '--dir', newDir()]);
    expect(serve.stdout()).toContain('PostgreSQL');
    expect(await signInStatus(serve.url, 'pg@example.com', 'pg-password-1')).toBe(200);
  });
});
