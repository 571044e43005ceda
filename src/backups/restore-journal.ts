/**
 * The swap of a restore, made safe against a crash at any step. The entries of the
 * data directory that a restore replaces (data.db and its WAL files, storage/) are
 * moved aside into an "old" folder and the restored ones moved in — entries, never the
 * data directory itself, so a data directory that is a mount point works. Before the
 * first move a journal is written (and synced) in `.galley_tmp/`; when every move is
 * done it says "swapped". At the next open, recoverInterruptedRestore reads it: a swap
 * cut short is rolled back (the old entries put back), a finished one is completed
 * (the old entries removed). So after a restart there is either the old data or the
 * new, whole. A swap that waits for a database commit (PostgreSQL) carries a commit
 * marker, which the restore writes in its transaction: at the next open, once the
 * database is reachable, recoverCommittedRestore looks for it, so a crash between the
 * commit and the "swapped" mark still keeps the files that belong to the committed data.
 */
import { existsSync, fsyncSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Journal {
  phase: 'swapping' | 'swapped';
  /** Where the replaced entries were moved (inside the data directory's .galley_tmp). */
  oldDir: string;
  items: string[];
  /** The items the data directory had before the swap. */
  present: string[];
  /** Set when the swap is done only once a database transaction holding this marker commits. */
  commitMarker?: string;
}

const journalPath = (dataDir: string) => join(dataDir, '.galley_tmp', 'restore-journal.json');

function writeJournal(dataDir: string, journal: Journal): void {
  const path = journalPath(dataDir);
  mkdirSync(join(dataDir, '.galley_tmp'), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(journal));
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Moves `items` of dataDir into oldDir and those of newDir into dataDir (an item
 * missing in newDir is left absent). Synchronous: nothing else runs meanwhile. On a
 * failure the old entries are put back before the error is rethrown. markDone false
 * leaves the journal at "swapping" (rolled back after a crash) until markSwapped.
 */
export function swapIn(dataDir: string, newDir: string, oldDir: string, items: string[], markDone = true, commitMarker?: string): void {
  const journal: Journal = { phase: 'swapping', oldDir, items, present: items.filter((item) => existsSync(join(dataDir, item))), ...(commitMarker ? { commitMarker } : {}) };
  mkdirSync(oldDir, { recursive: true });
  writeJournal(dataDir, journal);
  try {
    for (const item of items) if (existsSync(join(dataDir, item))) renameSync(join(dataDir, item), join(oldDir, item));
    for (const item of items) if (existsSync(join(newDir, item))) renameSync(join(newDir, item), join(dataDir, item));
  } catch (err) {
    rollBack(dataDir, journal);
    throw err;
  }
  if (markDone) writeJournal(dataDir, { ...journal, phase: 'swapped' });
}

/** A swap left "swapping" (something else had to commit first) is now done. */
export function markSwapped(dataDir: string): void {
  const journal = readJournal(dataDir);
  if (journal) writeJournal(dataDir, { ...journal, phase: 'swapped' });
}

/** After the restored data answered: the old entries and the journal go. */
export function finishSwap(dataDir: string): void {
  const journal = readJournal(dataDir);
  if (!journal) return;
  rmSync(journal.oldDir, { recursive: true, force: true });
  rmSync(journalPath(dataDir), { force: true });
}

/** Puts the old entries back (the restored data failed its check after the swap). */
export function undoSwap(dataDir: string): void {
  const journal = readJournal(dataDir);
  if (journal) rollBack(dataDir, journal);
}

/** Work folders older than this in `.galley_tmp/` were left by a process that died (a backup runs for minutes, not a day). */
const STALE_MS = 24 * 3600_000;

/**
 * At open, before the database: finishes or rolls back a restore a crash interrupted,
 * and removes stale work folders of backups and verifications. Returns what it did
 * about a restore.
 */
export function recoverInterruptedRestore(dataDir: string): 'none' | 'rolled back' | 'completed' {
  const result = recoverJournal(dataDir);
  const tmp = join(dataDir, '.galley_tmp');
  let names: string[] = [];
  try {
    names = readdirSync(tmp);
  } catch {
    // no work folder yet
  }
  for (const name of names) {
    const path = join(tmp, name);
    try {
      if (name !== 'restore-journal.json' && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
  return result;
}

function recoverJournal(dataDir: string): 'none' | 'rolled back' | 'completed' {
  const journal = readJournal(dataDir);
  if (!journal) return 'none';
  // Decided by the database: recoverCommittedRestore, once it is open.
  if (journal.phase === 'swapping' && journal.commitMarker) return 'none';
  if (journal.phase === 'swapped') {
    finishSwap(dataDir);
    return 'completed';
  }
  rollBack(dataDir, journal);
  return 'rolled back';
}

/**
 * After the database opened: a swap that waited for a commit is completed when the
 * commit happened (the marker is in the database), rolled back otherwise.
 */
export async function recoverCommittedRestore(dataDir: string, committed: (marker: string) => Promise<boolean>): Promise<'none' | 'rolled back' | 'completed'> {
  const journal = readJournal(dataDir);
  if (!journal?.commitMarker || journal.phase !== 'swapping') return 'none';
  if (await committed(journal.commitMarker)) {
    finishSwap(dataDir);
    return 'completed';
  }
  rollBack(dataDir, journal);
  return 'rolled back';
}

function readJournal(dataDir: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(journalPath(dataDir), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

function rollBack(dataDir: string, journal: Journal): void {
  for (const item of journal.items) {
    const old = join(journal.oldDir, item);
    if (!journal.present.includes(item)) {
      // Only the restored data has it.
      rmSync(join(dataDir, item), { recursive: true, force: true });
    } else if (existsSync(old)) {
      // Moved aside: whatever took its place goes, and it comes back. (Not moved yet: it is still in place.)
      rmSync(join(dataDir, item), { recursive: true, force: true });
      renameSync(old, join(dataDir, item));
    }
  }
  rmSync(journal.oldDir, { recursive: true, force: true });
  rmSync(journalPath(dataDir), { force: true });
}
