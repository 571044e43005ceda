// One Galley server for the Node-driven benchmarks: a fresh data directory (and a
// database on the given PostgreSQL), the benchmark superuser, `galley serve` pinned to
// core 0, seeded through the API by seed.mjs (`--rules`: posts with owners and
// authors, a signed-in user's token in token.txt), and a stop that ends it by PID.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CLI, SUPERUSER, freePort, sleep, waitHealthy } from './harness.mjs';

/** A new database on a running PostgreSQL (its admin URL ends in /postgres); its URL. */
export async function createDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/**
 * Starts and seeds a server. `db`: a PostgreSQL URL, or '' for SQLite; `cli`: the
 * Galley CLI to run (another build's, to compare); `rows`: posts to seed.
 * Returns { base, child, dir, ids, token, startedMs, stop() }.
 */
export async function startSeededGalley({ db = '', cli = CLI, rows, rules = true, name = 'galley' }) {
  const dir = mkdtempSync(join(tmpdir(), `galley-bench-${name}-`));
  const dbFlags = db ? ['--db', db] : [];
  execFileSync(process.execPath, [cli, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir, ...dbFlags], { stdio: 'ignore' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const spawned = Date.now();
  const child = spawn('taskset', ['-c', '0', process.execPath, cli, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...dbFlags], { stdio: 'ignore' });
  const stop = async () => {
    child.kill('SIGTERM');
    await sleep(800);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(base, child);
    const startedMs = Date.now() - spawned;
    const ids = join(dir, 'ids.txt');
    const token = join(dir, 'token.txt');
    const seedArgs = [`--url=${base}`, `--rows=${rows}`, `--ids=${ids}`, `--email=${SUPERUSER.email}`, `--password=${SUPERUSER.password}`, ...(rules ? ['--rules', `--token=${token}`] : [])];
    execFileSync(process.execPath, ['bench/seed.mjs', ...seedArgs], { stdio: 'ignore' });
    return { base, child, dir, ids, token, startedMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** PATCHes as the superuser (token from superuserToken); throws with the API's answer when refused. */
export async function patchAs(base, token, path, body) {
  const res = await fetch(`${base}${path}`, { method: 'PATCH', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PATCH ${path}: ${await res.text()}`);
}
