/**
 * Application logs on stdout of `galley serve`, on both engines: JSON lines; at
 * `--logLevel debug` one line per request carrying the request id the response
 * echoes; at the default level no request lines; readable lines with `--dev`; a
 * bad level refused in one line; GALLEY_LOG_LEVEL when the flag is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ENGINES, createPgDatabase } from './support/galley.js';
import { CLI, killStarted, lines, runCli, startServe } from './support/cli.js';

afterAll(() => killStarted());

async function serve(engine: string, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'galley-stdout-'));
  const db = engine === 'postgres' ? ['--db', await createPgDatabase()] : [];
  const s = await startServe(['--http', '127.0.0.1:0', '--dir', dir, ...db, ...args]);
  return {
    ...s,
    async stop() {
      s.child.kill('SIGTERM');
      const result = await s.exited;
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}

/** The JSON lines of an output (the start-up banner is plain text). */
const jsonLines = (text: string) => lines(text).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);

describe.each(ENGINES)('logs on stdout on %s', (engine) => {
  it('at debug: one JSON line per request with the id the response echoes', async () => {
    const s = await serve(engine, ['--logLevel', 'debug']);
    const given = await fetch(`${s.url}/api/health`, { headers: { 'x-request-id': 'trace-42.a_b' } });
    const made = await fetch(`${s.url}/api/collections/nope/records`);
    const madeId = made.headers.get('x-request-id')!;
    const result = await s.stop();
    expect(given.headers.get('x-request-id')).toBe('trace-42.a_b');
    const requests = jsonLines(result.stdout).filter((l) => l.type === 'request');
    const health = requests.find((l) => l.msg === 'GET /api/health')!;
    expect(health).toMatchObject({ level: 'debug', reqId: 'trace-42.a_b', method: 'GET', url: '/api/health', status: 200, auth: '' });
    expect(typeof health.time).toBe('string');
    expect(requests.find((l) => l.msg === 'GET /api/collections/nope/records')).toMatchObject({ reqId: madeId, status: 404 });
  });

  it('at the default level: no request lines', async () => {
    const s = await serve(engine, []);
    await fetch(`${s.url}/api/health`);
    const result = await s.stop();
    expect(result.stdout).toContain('Server started at');
    expect(jsonLines(result.stdout).filter((l) => l.type === 'request')).toEqual([]);
  });
});

describe('log level and format', () => {
  it('prints readable lines with --dev', async () => {
    const s = await serve('sqlite', ['--dev', '--logLevel', 'debug']);
    await fetch(`${s.url}/api/health`);
    const result = await s.stop();
    expect(result.stdout).toMatch(/DEBUG.*: GET \/api\/health/);
    expect(jsonLines(result.stdout).filter((l) => l.type === 'request')).toEqual([]);
  });

  it('refuses an unknown level in one line', async () => {
    const result = await runCli(['serve', '--logLevel', 'loud']);
    expect(result.code).not.toBe(0);
    expect(lines(result.stderr)).toEqual(['Error: unknown log level "loud" (one of trace, debug, info, warn, error, fatal, silent)']);
  });

  it('takes GALLEY_LOG_LEVEL when the flag is absent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-stdout-'));
    const child = spawn(process.execPath, [CLI, 'serve', '--http', '127.0.0.1:0', '--dir', dir], { env: { ...process.env, GALLEY_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    try {
      await expect.poll(() => /Server started at (\S+)/.exec(out)?.[1], { timeout: 20_000 }).toBeTruthy();
      const url = /Server started at (\S+)/.exec(out)![1]!;
      await fetch(`${url}/api/health`);
      await expect.poll(() => jsonLines(out).some((l) => l.msg === 'GET /api/health'), { timeout: 5_000 }).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
