/**
 * The backups as a table: name, size, date (relative, the exact time on hover/focus),
 * verification status (a badge; a failure names the failed checks) and the row's
 * actions: download, restore, delete.
 */
import { ArchiveRestore, Download, Trash2 } from 'lucide-react';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Tooltip } from '../ui/Tooltip';
import { parseStored, relativeTime } from '../lib/relative-time';
import { formatSize, type BackupItem } from './useBackups';

interface Props {
  items: BackupItem[];
  busy: boolean;
  onDownload: (key: string) => void;
  onRestore: (key: string) => void;
  onDelete: (key: string) => void;
}

function Verification({ item }: { item: BackupItem }) {
  const v = item.verification;
  if (!v) return <Badge tone="neutral">Not verified</Badge>;
  if (v.ok) return <Tooltip tip={`Verified ${v.verifiedAt.replace('T', ' ')} in ${v.durationMs} ms`} focusable><Badge tone="success">Verified</Badge></Tooltip>;
  const failed = v.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ');
  return (
    <div className="backup-failed">
      <Badge tone="danger">Failed verification</Badge>
      <span className="backup-failed-detail">{failed}</span>
    </div>
  );
}

export function BackupsTable({ items, busy, onDownload, onRestore, onDelete }: Props) {
  return (
    <div className="table-frame">
      <table className="backups-table">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Date</th><th scope="col">Verification</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {items.map((b) => {
            const date = parseStored(b.modified);
            return (
              <tr key={b.key}>
                <td className="backup-key">{b.key}</td>
                <td className="backup-size">{formatSize(b.size)}</td>
                <td className="backup-date">{date ? <Tooltip tip={b.modified} focusable><span>{relativeTime(date)}</span></Tooltip> : b.modified}</td>
                <td><Verification item={b} /></td>
                <td>
                  <div className="backup-actions">
                    <Button variant="ghost" small icon={Download} label={`Download ${b.key}`} onClick={() => onDownload(b.key)} />
                    <Button variant="ghost" small icon={ArchiveRestore} label={`Restore ${b.key}`} disabled={busy} onClick={() => onRestore(b.key)} />
                    <Button variant="danger-ghost" small icon={Trash2} label={`Delete ${b.key}`} disabled={busy} onClick={() => onDelete(b.key)} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
