/**
 * `galley backup create|list|verify|restore|delete` (docs/backups.md): the backups of
 * the data directory (--dir) or PostgreSQL database (--db), without a running server.
 * Each command opens the core, calls core.backups, and closes it; a failure is one line
 * on stderr and exit code 1 (a failed verification too).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { resolveConfig } from '../config.js';
import { GalleyCore } from '../core/galley-core.js';
import { ApiError } from '../core/errors.js';
import { addDbOptions, type DbFlags } from './db-options.js';
import type { Verification } from '../backups/verify.js';

async function withCore<T>(flags: DbFlags, fn: (core: GalleyCore) => Promise<T>): Promise<T> {
  const config = resolveConfig({ dir: flags.dir, db: flags.db });
  const core = await GalleyCore.open(config);
  try {
    return await fn(core);
  } catch (err) {
    // The API's errors carry their field messages in data: one line with them.
    if (err instanceof ApiError) {
      const details = Object.values(err.data ?? {}).map((v) => (v as { message?: string }).message).filter(Boolean);
      throw new Error([err.message, ...details].join(' '));
    }
    throw err;
  } finally {
    core.backups.close();
    await core.close();
  }
}

const progress = (message: string) => { if (process.stderr.isTTY) process.stderr.write(`${message}\n`); };

function formatVerification(v: Verification): string {
  return v.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`).join('') + `  ${v.ok ? 'verified' : 'FAILED verification'} in ${v.durationMs} ms\n`;
}

/** A zip given by path: copied into the backups folder (under its file name) as an upload is. */
async function addArchive(core: GalleyCore, path: string): Promise<string> {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  await mkdir(join(core.backups.dataDir, '.galley_tmp'), { recursive: true });
  const scratch = await mkdtemp(join(core.backups.dataDir, '.galley_tmp', 'cli_'));
  try {
    const copy = join(scratch, 'archive.zip');
    await copyFile(file, copy);
    await core.backups.upload(copy, basename(file));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`copied ${file} to the backups as ${basename(file)}\n`);
  return basename(file);
}

export function backupCommand(): Command {
  const cmd = new Command('backup').description('Create, list, verify, restore and delete backups (zip archives in <dir>/backups)');
  cmd.addCommand(addDbOptions(new Command('create'))
    .argument('[name]', 'the archive name (a-z 0-9 _ - ending in .zip); default pb_backup_<app>_<time>.zip')
    .description('Take a backup (a consistent snapshot; the app may keep running) and verify it')
    .action(async (name: string | undefined, flags: DbFlags) => withCore(flags, async (core) => {
      progress('Taking the snapshot and writing the archive...');
      const key = await core.backups.create(name);
      const item = (await core.backups.list()).find((b) => b.key === key)!;
      process.stdout.write(`${key} (${item.size} bytes)\n${item.verification ? formatVerification(item.verification) : ''}`);
      if (item.verification && !item.verification.ok) process.exitCode = 1;
    })));
  cmd.addCommand(addDbOptions(new Command('list'))
    .description('List the backups, newest first, with their verification')
    .action(async (flags: DbFlags) => withCore(flags, async (core) => {
      for (const b of await core.backups.list()) {
        const status = b.verification ? (b.verification.ok ? `verified ${b.verification.verifiedAt}` : 'FAILED verification') : 'not verified';
        process.stdout.write(`${b.key}\t${b.size}\t${b.modified}\t${status}\n`);
      }
    })));
  cmd.addCommand(addDbOptions(new Command('verify'))
    .argument('<key>', 'the archive name')
    .description('Verify a backup: every entry against the manifest, the database copy restored to a scratch place and checked')
    .action(async (key: string, flags: DbFlags) => withCore(flags, async (core) => {
      const v = await core.backups.verify(key);
      process.stdout.write(`${key}\n${formatVerification(v)}`);
      if (!v.ok) process.exitCode = 1;
    })));
  cmd.addCommand(addDbOptions(new Command('restore'))
    .argument('<key>', 'the archive name in <dir>/backups, or the path of a zip (a Galley or PocketBase backup), which is copied there first')
    .description('Replace the data with the backup\'s (verified first; on SQLite stop the server first). A backup of the other engine is converted: --db=postgres://… moves a SQLite app to PostgreSQL')
    .action(async (key: string, flags: DbFlags) => withCore(flags, async (core) => {
      if (/[/\\]/.test(key)) key = await addArchive(core, key);
      progress('Extracting and verifying the backup...');
      await core.backups.restore(key);
      process.stdout.write(`restored ${key}\n`);
    })));
  cmd.addCommand(addDbOptions(new Command('delete'))
    .argument('<key>', 'the archive name')
    .description('Delete a backup')
    .action(async (key: string, flags: DbFlags) => withCore(flags, async (core) => {
      await core.backups.delete(key);
      process.stdout.write(`deleted ${key}\n`);
    })));
  return cmd;
}
