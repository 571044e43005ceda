/**
 * `galley typegen`: writes TypeScript types for the app's collections (docs/typegen.md).
 * Reads the definitions only: no core, no internal tables created, no schema polling.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { resolveConfig, redactUrl } from '../config.js';
import type { Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { loadDefinitions } from '../core/collections/definitions-table.js';
import type { CollectionModel } from '../core/collections/model.js';
import { generateTypes } from '../typegen/generate-types.js';
import { addDbOptions, type DbFlags } from './db-options.js';

async function openStore(dir: string, db: string): Promise<Store> {
  if (db) {
    try {
      const { PostgresStore } = await import('../store/postgres/postgres-store.js');
      return await PostgresStore.connect(db);
    } catch (err) {
      throw new Error(`${(err as Error).message} (${redactUrl(db)})`);
    }
  }
  // SqliteStore.open would create an empty database: a typo in --dir must not pass silently.
  if (!existsSync(join(dir, 'data.db'))) throw new Error(`no Galley database in ${dir} (run "galley serve" once, or pass --dir/--db)`);
  try {
    return SqliteStore.open(dir);
  } catch (err) {
    throw new Error(`cannot open the SQLite database in ${dir}: ${(err as Error).message}`);
  }
}

async function readCollections(flags: DbFlags): Promise<CollectionModel[]> {
  const config = resolveConfig(flags);
  const store = await openStore(config.dir, config.db);
  try {
    return await loadDefinitions(store);
  } catch (err) {
    throw new Error(`cannot read the collections (is this a Galley database?): ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await store.close();
  }
}

export function typegenCommand(): Command {
  return addDbOptions(new Command('typegen')
    .description('Write TypeScript types of the collections, for the pocketbase SDK and hooks')
    .option('--out <file>', 'the file to write, or - for stdout', './galley-types.ts'))
    .action(async (flags: DbFlags & { out: string }) => {
      const models = await readCollections(flags);
      const source = generateTypes(models, { command: 'galley typegen' });
      if (flags.out === '-') {
        process.stdout.write(source);
        return;
      }
      const file = resolve(flags.out);
      try {
        writeFileSync(file, source);
      } catch (err) {
        throw new Error(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      process.stdout.write(`Wrote the types of ${models.length} collections to ${file}\n`);
    });
}
