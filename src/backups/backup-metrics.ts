/**
 * The backups in the Prometheus metrics (GET /api/metrics), read from the stored
 * archives and their verification results when scraped, so every instance reports
 * the same and a restart loses nothing. Alert on the age of the last verified backup.
 */
import type { GalleyMetrics } from '../metrics/galley-metrics.js';
import type { BackupListItem, BackupService } from './backup-service.js';

export function registerBackupMetrics(metrics: GalleyMetrics, backups: BackupService): void {
  // One listing per scrape, shared by the gauges read in the same scrape.
  let cached: { at: number; items: Promise<BackupListItem[]> } | undefined;
  const items = () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), items: backups.list().catch(() => []) };
    return cached.items;
  };
  const seconds = (text: string) => Date.parse(text.replace(' ', 'T')) / 1000;
  metrics.gauge('galley_backup_last_success_timestamp_seconds', 'When the newest stored backup was written (0: none).',
    async () => Math.max(0, ...(await items()).map((b) => seconds(b.modified))));
  metrics.gauge('galley_backup_last_size_bytes', 'The size of the newest stored backup.',
    async () => (await items())[0]?.size ?? 0);
  metrics.gauge('galley_backup_last_verify_success_timestamp_seconds', 'The newest successful verification of a stored backup (0: none).',
    async () => Math.max(0, ...(await items()).filter((b) => b.verification?.ok).map((b) => Date.parse(b.verification!.verifiedAt) / 1000)));
  metrics.gauge('galley_backup_failed_verifications', 'Stored backups whose last verification failed.',
    async () => (await items()).filter((b) => b.verification && !b.verification.ok).length);
}
