// Moving an app between engines through a backup (docs/backups.md "Moving between
// engines"): a SQLite app of --rows records (every row with a bool, a number, JSON and
// dates) and --files uploaded files is backed up, restored into a new PostgreSQL database
// with `galley backup restore KEY --db=…`, backed up there and restored back into a new
// SQLite data directory; each CLI run is timed, and the record counts compared.
//
//   node bench/backups/move-engines.mjs [--rows=100000] [--files=200]
//
// Needs root (PostgreSQL runs as the `postgres` user) and a build: run
// `npx tsc -p tsconfig.build.json` first.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { arg, CLI } from '../lib/harness.mjs';
import { startPostgres } from '../lib/postgres.mjs';

const ROWS = Number(arg('rows', 100000));
const FILES = Number(arg('files', 200));
const log = (m) => process.stderr.write(`${m}\n`);
const { GalleyCore } = await import(resolve('dist/core/galley-core.js'));

/** Runs the CLI; returns its wall time in seconds. */
function timed(args) {
  const started = performance.now();
  execFileSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - started) / 1000;
}

async function count(dir, db) {
  const core = await GalleyCore.open({ dir, db });
  try {
    return Number((await core.store.get('SELECT count(*) AS "n" FROM "posts"')).n);
  } finally {
    await core.close();
  }
}

async function seed(dir) {
  const core = await GalleyCore.open({ dir, db: '' });
  try {
    const model = await core.collections.create({
      name: 'posts', type: 'base',
      fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }, { name: 'flag', type: 'bool' }, { name: 'data', type: 'json' },
        { name: 'doc', type: 'file', maxSelect: 1, maxSize: 10_000_000 }, { name: 'created', type: 'autodate', onCreate: true }],
    });
    const now = new Date().toISOString().replace('T', ' ');
    const id = (i) => `r${String(i).padStart(14, '0')}`;
    for (let start = 0; start < ROWS; start += 500) {
      const n = Math.min(500, ROWS - start);
      const params = [];
      for (let i = start; i < start + n; i++) params.push(id(i), `post ${i}`, i * 1.5, i % 2, JSON.stringify({ i, tags: ['a', 'b'] }), i < FILES ? `doc${i}.bin` : '', now);
      await core.store.run(`INSERT INTO "posts" ("id", "title", "n", "flag", "data", "doc", "created") VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`, params);
    }
    const bytes = Buffer.alloc(100_000, 7);
    for (let i = 0; i < FILES; i++) await core.files.storage().put(`${model.id}/${id(i)}/doc${i}.bin`, bytes, 'application/octet-stream');
  } finally {
    await core.close();
  }
}

const pg = await startPostgres();
const root = mkdtempSync(join(tmpdir(), 'galley-move-bench-'));
try {
  const sqliteDir = join(root, 'sqlite');
  log(`seeding ${ROWS} records and ${FILES} files of 100 kB on SQLite`);
  await seed(sqliteDir);
  const backupSqlite = timed(['backup', 'create', 'move.zip', '--dir', sqliteDir]);
  const pgDir = join(root, 'pg');
  mkdirSync(join(pgDir, 'backups'), { recursive: true });
  copyFileSync(join(sqliteDir, 'backups', 'move.zip'), join(pgDir, 'backups', 'move.zip'));
  const toPostgres = timed(['backup', 'restore', 'move.zip', '--dir', pgDir, '--db', pg.url]);
  const onPostgres = await count(pgDir, pg.url);
  const backupPostgres = timed(['backup', 'create', 'back.zip', '--dir', pgDir, '--db', pg.url]);
  const backDir = join(root, 'back');
  const toSqlite = timed(['backup', 'restore', join(pgDir, 'backups', 'back.zip'), '--dir', backDir]);
  const onSqlite = await count(backDir, '');
  const result = { rows: ROWS, files: FILES, backupSqlite, toPostgres, onPostgres, backupPostgres, toSqlite, onSqlite };
  log(JSON.stringify(result));
  console.log(`| ${ROWS} records, ${FILES} files | ${backupSqlite.toFixed(1)} s | ${toPostgres.toFixed(1)} s (${onPostgres} records) | ${backupPostgres.toFixed(1)} s | ${toSqlite.toFixed(1)} s (${onSqlite} records) |`);
} finally {
  pg.stop();
  rmSync(root, { recursive: true, force: true });
}
