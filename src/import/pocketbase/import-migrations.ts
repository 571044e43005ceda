/**
 * PocketBase's `_migrations` names into Galley's table, so those files count as
 * applied; and what PocketBase would run that Galley does not (JS migrations and
 * pb_hooks), listed for the report. Nothing of them is executed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Store } from '../../store/store.js';
import { ensureMigrationsTable } from '../../migrations/migrations-table.js';
import type { PbMigration } from './source.js';

/** PocketBase's applied times are microseconds (seconds in the oldest rows); Galley's are milliseconds. */
function toMillis(applied: number): number {
  if (applied < 1e11) return applied * 1000;
  if (applied < 1e14) return applied;
  return Math.floor(applied / 1000);
}

export async function importMigrations(txStore: Store, migrations: PbMigration[]): Promise<void> {
  await ensureMigrationsTable(txStore);
  const p = txStore.dialect.placeholder;
  for (const m of migrations)
    await txStore.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("file") DO NOTHING`, [m.file, toMillis(m.applied)]);
}

/** JS migrations (applied ones and files beside pb_data) and hook files that are not executed. */
export function notExecuted(pbDataDir: string, migrations: PbMigration[]): { migrations: string[]; hooks: string[] } {
  const js = new Set(migrations.map((m) => m.file).filter((f) => /\.(js|ts)$/.test(f)));
  const parent = dirname(pbDataDir);
  for (const f of listFiles(join(parent, 'pb_migrations'))) if (/\.(js|ts)$/.test(f)) js.add(f);
  const hooks = listFiles(join(parent, 'pb_hooks')).filter((f) => /\.(js|ts)$/.test(f)).map((f) => `pb_hooks/${f}`);
  return { migrations: [...js].sort(), hooks: hooks.sort() };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir, { recursive: true }).map(String);
  } catch {
    return [];
  }
}
