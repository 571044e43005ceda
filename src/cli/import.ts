/**
 * `galley import pocketbase PATH`: a PocketBase 0.23+ pb_data folder into this Galley
 * (docs/import.md). Progress goes to stderr (on a terminal), the report to stdout; a
 * failure is one line and leaves the target as it was.
 */
import { Command } from 'commander';
import { resolveConfig } from '../config.js';
import { addDbOptions, type DbFlags } from './db-options.js';

interface ImportFlags extends DbFlags {
  encryptionKey?: string;
  dryRun?: boolean;
  force?: boolean;
}

export function importCommand(): Command {
  const cmd = new Command('import').description('Import data from another backend');
  cmd.addCommand(addDbOptions(new Command('pocketbase')
    .argument('<path>', 'the pb_data folder of PocketBase 0.23 or newer (stop PocketBase first)')
    .description('Import a PocketBase pb_data folder: collections, records, settings, files and applied migrations')
    .option('--encryption-key <key>', 'the 32-character key PocketBase ran with (--encryptionEnv), to decrypt its settings')
    .option('--dry-run', 'do everything, verify, print the report, then roll back (no files are copied)')
    .option('--force', 'import into a target that already has collections or records (collections the import brings are replaced)'))
    .action(async (path: string, flags: ImportFlags) => {
      const config = resolveConfig({ dir: flags.dir, db: flags.db });
      // Progress is one line rewritten in place, on a terminal only, so a failure is still the one line on stderr.
      const tty = process.stderr.isTTY;
      const clear = () => { if (tty) process.stderr.write('\r\x1b[K'); };
      try {
        // Loaded when the command runs: `galley serve` starts without the importer.
        const [{ importPocketBase }, { formatReport }] = await Promise.all([
          import('../import/pocketbase/import-pocketbase.js'), import('../import/pocketbase/report.js'),
        ]);
        const report = await importPocketBase({
          source: path, dir: config.dir, db: config.db,
          encryptionKey: flags.encryptionKey, dryRun: flags.dryRun, force: flags.force,
          progress: (message) => { if (tty) process.stderr.write(`\r\x1b[K${message.trim()}`); },
        });
        clear();
        process.stdout.write(formatReport(report));
      } catch (err) {
        clear();
        // One line, whatever the engine's message looked like.
        throw new Error(String((err as Error).message ?? err).replace(/\s*\n\s*/g, ' '));
      }
    }));
  return cmd;
}
