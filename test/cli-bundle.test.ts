/**
 * The built CLI (dist/cli/main.js, loading the esbuild bundle made by `npm run build`) on
 * both engines: a hook file's `import … from 'galley'` resolves to the running Galley
 * (dist/index.js, re-exporting the CLI's bundle) and its ApiError answers with its own
 * status; the paths found from the bundle's location still resolve (the dashboard's
 * files; package.json, whose version a backup records: read when the CLI loads). A serve
 * writes V8's code cache beside the bundle, and the next one starts from it (writing none)
 * with the bundle's import() of packages working (Node 20 loses their callback in a cached script).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import PocketBase from 'pocketbase';
import { ENGINES, createPgDatabase } from './support/galley.js';
import { CLI, killStarted, runCli, startServe } from './support/cli.js';

const HOOK = `import { ApiError, fieldError } from 'galley';
export default (app) => {
  app.route('GET', '/api/teapot', () => {
    throw new ApiError(418, 'I am a teapot.', { pot: fieldError('validation_short', 'Short and stout.') });
  });
};
`;

describe.each(ENGINES)('the built CLI on %s', (engine) => {
  const dirs: string[] = [];
  afterAll(() => {
    killStarted();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves a hook file that imports from galley, the dashboard, and backups naming the version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-cli-bundle-'));
    dirs.push(dir);
    const hooks = join(dir, 'hooks');
    mkdirSync(hooks);
    writeFileSync(join(hooks, 'teapot.ts'), HOOK);
    const db = engine === 'postgres' ? ['--db', await createPgDatabase()] : [];
    const data = join(dir, 'data');
    expect((await runCli(['superuser', 'create', 'admin@example.com', 'a-long-password', '--dir', data, ...db])).code).toBe(0);
    const serve = await startServe(['--http=127.0.0.1:0', '--dir', data, '--hooksDir', hooks, ...db]);

    const teapot = await fetch(`${serve.url}/api/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ status: 418, message: 'I am a teapot.', data: { pot: { code: 'validation_short', message: 'Short and stout.' } } });

    const dashboard = await fetch(`${serve.url}/_/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<div id="root">');

    const pb = new PocketBase(serve.url);
    await pb.collection('_superusers').authWithPassword('admin@example.com', 'a-long-password');
    await pb.backups.create('one.zip');
    const listed = await runCli(['backup', 'list', '--dir', data, ...db]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('one.zip');

    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });

  it('writes a code cache when serving, and a serve started from it signs in (an import() in the bundle)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-cli-cache-'));
    dirs.push(dir);
    // A private copy of the build, so that no other test's serve writes or reads its cache meanwhile.
    const dist = join(dirname(CLI), '..');
    const chunks = join(dir, 'install', 'dist', 'chunks');
    cpSync(join(dist, 'chunks'), chunks, { recursive: true, filter: (f) => !f.endsWith('.v8cache') });
    cpSync(join(dist, 'cli', 'main.js'), join(dir, 'install', 'dist', 'cli', 'main.js'));
    cpSync(join(dist, '..', 'package.json'), join(dir, 'install', 'package.json'));
    symlinkSync(join(dist, '..', 'node_modules'), join(dir, 'install', 'node_modules'));
    const cli = join(dir, 'install', 'dist', 'cli', 'main.js');
    const caches = () => readdirSync(chunks).filter((f) => f.endsWith('.v8cache'));

    const db = engine === 'postgres' ? ['--db', await createPgDatabase()] : [];
    const data = join(dir, 'data');
    expect((await runCli(['superuser', 'create', 'admin@example.com', 'a-long-password', '--dir', data, ...db], 20_000, cli)).code).toBe(0);
    expect(caches()).toEqual([]); // a short command writes none

    const first = await startServe(['--http=127.0.0.1:0', '--dir', data, ...db], 20_000, cli);
    for (let waited = 0; caches().length === 0; waited += 100) {
      if (waited > 15_000) throw new Error('no code cache was written');
      await new Promise((r) => setTimeout(r, 100));
    }
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const written = caches().map((f) => [f, statSync(join(chunks, f)).mtimeMs]);

    // --dev: the pretty log lines come from pino-pretty, also loaded by import().
    const second = await startServe(['--http=127.0.0.1:0', '--dev', '--dir', data, ...db], 20_000, cli);
    const pb = new PocketBase(second.url);
    await pb.collection('_superusers').authWithPassword('admin@example.com', 'a-long-password');
    expect(pb.authStore.isValid).toBe(true);
    // A serve that found no usable cache writes one after 4 s: this one started from it.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(caches().map((f) => [f, statSync(join(chunks, f)).mtimeMs])).toEqual(written);
    second.child.kill('SIGTERM');
    const exited = await second.exited;
    expect(exited.code).toBe(0);
    expect(exited.stderr).not.toContain('ExperimentalWarning');
  });
});
