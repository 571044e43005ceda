/** Migration directories for the tests: temporary, filled from strings or the docs' examples. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES = fileURLToPath(new URL('../../docs/examples/migrations', import.meta.url));

const made: string[] = [];

/** A new empty directory, removed by removeMigrationDirs(). */
export function migrationDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'galley-migrations-'));
  made.push(dir);
  return dir;
}

export function copyExamples(dir: string): void {
  cpSync(EXAMPLES, dir, { recursive: true });
}

export function writeMigration(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
}

/** Every file in the directory (hidden temporary files included, to catch leftovers). */
export const filesIn = (dir: string) => readdirSync(dir).sort();
export const readIn = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

export function removeMigrationDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A migration creating a base collection with one text field. */
export const createCollection = (name: string) => `
import type { MigrationContext } from 'galley';
export async function up(m: MigrationContext) {
  await m.collections.create({ name: '${name}', type: 'base', fields: [{ name: 'title', type: 'text' }] });
}
export async function down(m: MigrationContext) {
  await m.collections.delete('${name}');
}
`;
