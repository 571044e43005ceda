/**
 * PocketBase backup zips (the contents of its pb_data: data.db, auxiliary.db, storage/)
 * uploaded to Galley or placed in its backups folder. Told apart from Galley's own
 * archives by their entries (no manifest.json, a data.db at the root). Such a zip is
 * checked as strictly as a Galley archive (no symlinks, no path outside the root, every
 * entry readable), verified by PocketBase's own rules (an SQLite data.db of PocketBase
 * 0.23+, SQLite's quick_check), and restored through the PocketBase import
 * (src/import/pocketbase, docs/import.md): imported into a scratch SQLite data
 * directory, which the restore then swaps in (SQLite) or moves across (PostgreSQL).
 */
import { join } from 'node:path';
import { importPocketBase } from '../import/pocketbase/import-pocketbase.js';
import { PbSource } from '../import/pocketbase/source.js';
import { ImportError } from '../import/pocketbase/import-error.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ensureGalleyTables } from './galley-tables.js';
import { ArchiveError, checkEntry, openZip, scanEntries } from './archive-reader.js';
import { MANIFEST_PATH } from './manifest.js';
import { RestoreError } from './database-restorer.js';
import type { VerificationCheck } from './verify.js';

const PB_DB = 'data.db';

/** True when the zip at file is a PocketBase backup rather than a Galley one. */
export async function isPocketBaseArchive(file: string): Promise<boolean> {
  const zip = await openZip(file);
  try {
    const entries = await scanEntries(zip);
    return !entries.has(MANIFEST_PATH) && entries.has(PB_DB);
  } finally {
    zip.close();
  }
}

/**
 * Checks every entry of a PocketBase zip and extracts the data (data.db with its WAL
 * files, storage/) under pbDataDir; the request logs (auxiliary.db) are left out, as
 * in Galley's backups. Returns how many entries were read.
 */
export async function extractPocketBaseArchive(file: string, pbDataDir: string): Promise<number> {
  const zip = await openZip(file);
  try {
    const entries = await scanEntries(zip);
    if (!entries.has(PB_DB)) throw new ArchiveError('the archive has no manifest.json and no data.db: it is neither a Galley nor a PocketBase backup');
    for (const [name, entry] of entries) {
      const wanted = name === PB_DB || name === `${PB_DB}-wal` || name.startsWith('storage/');
      try {
        await checkEntry(zip, entry, wanted ? join(pbDataDir, name) : undefined);
      } catch (err) {
        throw new ArchiveError(`the zip archive is damaged at ${name} (${(err as Error).message})`);
      }
    }
    return entries.size;
  } finally {
    zip.close();
  }
}

/** The verification of a PocketBase zip: every entry readable, data.db sound and of PocketBase 0.23+. */
export async function verifyPocketBaseArchive(file: string, scratch: string): Promise<VerificationCheck[]> {
  const checks: VerificationCheck[] = [];
  const pbData = join(scratch, 'pb_data');
  try {
    const n = await extractPocketBaseArchive(file, pbData);
    checks.push({ name: 'archive', ok: true, detail: `a PocketBase backup: ${n} entries read` });
  } catch (err) {
    checks.push({ name: 'archive', ok: false, detail: err instanceof ArchiveError ? err.message : `the archive cannot be read: ${(err as Error).message}` });
    return checks;
  }
  let source: PbSource;
  try {
    source = PbSource.open(pbData);
  } catch (err) {
    checks.push({ name: 'schema', ok: false, detail: (err as Error).message });
    return checks;
  }
  try {
    source.checkIntegrity();
    checks.push({ name: 'integrity', ok: true, detail: 'ok' });
  } catch (err) {
    checks.push({ name: 'integrity', ok: false, detail: (err as Error).message });
    return checks;
  } finally {
    source.close();
  }
  checks.push({ name: 'schema', ok: true, detail: 'PocketBase 0.23+ data; restoring it runs the PocketBase import, which verifies every table it copies' });
  return checks;
}

/**
 * Imports the PocketBase backup at file into a new Galley SQLite data directory at
 * targetDir (data.db and storage/), through the PocketBase import with its own
 * verification. Work files go under scratch. A failure is a RestoreError.
 */
export async function importPocketBaseArchive(file: string, scratch: string, targetDir: string): Promise<void> {
  const pbData = join(scratch, 'pb_data');
  await extractPocketBaseArchive(file, pbData);
  try {
    await importPocketBase({ source: pbData, dir: targetDir, db: '' });
  } catch (err) {
    if (err instanceof ImportError) throw new RestoreError(`the PocketBase backup cannot be imported: ${err.message}`);
    throw err;
  }
  // Galley's own tables PocketBase has no counterpart for: the restored app must find them (a running core creates them only at open).
  const store = SqliteStore.open(targetDir);
  try {
    await ensureGalleyTables(store);
  } finally {
    await store.close();
  }
}
