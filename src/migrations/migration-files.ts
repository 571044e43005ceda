/**
 * The migrations directory: `<unix seconds>_<name>.ts|.js` files, applied in file-name
 * order, each exporting `up` and optionally `down`.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule } from '../app/load-module.js';
import type { MigrationContext } from './context.js';

export type MigrationFn = (m: MigrationContext) => Promise<void> | void;

export interface LoadedMigration {
  file: string;
  up: MigrationFn;
  down?: MigrationFn;
}

const MIGRATION_FILE = /^[^.].*(?<!\.d)\.(ts|js|mts|mjs)$/;

/** The migration file names in the directory, in the order they apply (none when it is missing). */
export function listMigrationFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && MIGRATION_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** Compiles and imports one migration; an error names the file. */
export async function loadMigration(dir: string, file: string): Promise<LoadedMigration> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`migration ${file} is recorded as applied but ${path} does not exist`);
  let mod: Record<string, unknown>;
  try {
    mod = await loadModule(path);
  } catch (err) {
    throw new Error(`migration ${file} cannot be loaded: ${(err as Error).message}`);
  }
  // A CommonJS file bundled to ESM exposes its exports as the default export.
  const exports = typeof mod.up !== 'function' && typeof mod.default === 'object' && mod.default !== null ? (mod.default as Record<string, unknown>) : mod;
  if (typeof exports.up !== 'function') throw new Error(`migration ${file} does not export an "up" function`);
  if (exports.down !== undefined && typeof exports.down !== 'function') throw new Error(`migration ${file}: "down" is not a function`);
  return { file, up: exports.up as MigrationFn, down: exports.down as MigrationFn | undefined };
}

/** "Add posts!" → "add_posts". */
export function slug(name: string): string {
  const s = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!s) throw new Error(`invalid migration name "${name}": use letters, digits and underscores`);
  return s.slice(0, 80);
}

/**
 * Writes `<seconds>_<name>.ts` and returns its file name. The prefix is the current
 * time, or one more than the newest file's, so files written in the same second
 * still sort in the order they were made.
 */
export function writeMigrationFile(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  let seconds = Math.floor(Date.now() / 1000);
  for (const f of listMigrationFiles(dir)) {
    const prefix = /^(\d+)_/.exec(f);
    if (prefix) seconds = Math.max(seconds, Number(prefix[1]) + 1);
  }
  const file = `${seconds}_${slug(name)}.ts`;
  writeFileSync(join(dir, file), text, { flag: 'wx' });
  return file;
}
