/**
 * The backups list (GET /api/backups, the SDK's pb.backups.getFullList), newest first,
 * with Galley's extra `verification` of each item, and a reload for after an action.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorMessage, pb } from '../lib/api';

export interface BackupCheck { name: string; ok: boolean; detail: string }
export interface BackupVerification { ok: boolean; verifiedAt: string; durationMs: number; checks: BackupCheck[] }
export interface BackupItem { key: string; size: number; modified: string; verification?: BackupVerification }

export function useBackups() {
  const [items, setItems] = useState<BackupItem[]>();
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    pb.backups.getFullList().then(
      (list) => { setItems(list as unknown as BackupItem[]); setError(''); },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);
  useEffect(reload, [reload]);
  return { items, error, reload };
}

/** "12.3 MB" for a size in bytes (decimal units, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let unit = -1;
  do {
    n /= 1000;
    unit++;
  } while (n >= 1000 && unit < units.length - 1);
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[unit]}`;
}
