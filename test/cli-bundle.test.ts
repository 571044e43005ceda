/**
 * The built CLI (dist/cli/main.js, an esbuild bundle after `npm run build`) on both
 * engines: a hook file's `import … from 'galley'` resolves to the running Galley
 * (dist/index.js, sharing the CLI's chunks) and its ApiError answers with its own
 * status; the paths found from the bundle's location still resolve (the dashboard's
 * files; package.json, whose version a backup records: read when the CLI loads).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { ENGINES, createPgDatabase } from './support/galley.js';
import { killStarted, runCli, startServe } from './support/cli.js';

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
});
