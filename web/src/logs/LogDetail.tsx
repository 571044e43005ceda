/** One log entry in a dialog: every field, the data's attributes, and the data as JSON. */
import type { LogModel } from 'pocketbase';
import { Dialog } from '../ui/Dialog';
import { Badge } from '../ui/Badge';
import { levelLabel, levelTone } from './logs-filter';

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function LogDetail({ log, onClose }: { log: LogModel; onClose: () => void }) {
  const data = (log.data ?? {}) as Record<string, unknown>;
  return (
    <Dialog title="Log entry" onClose={onClose}>
      <div className="log-detail">
        <dl className="log-fields">
          <dt>id</dt><dd className="mono">{log.id}</dd>
          <dt>level</dt><dd><Badge tone={levelTone(Number(log.level))}>{levelLabel(Number(log.level))}</Badge> <span className="mono">{log.level}</span></dd>
          <dt>created</dt><dd className="mono">{log.created}</dd>
          <dt>message</dt><dd className="mono log-message-full">{log.message}</dd>
          {Object.entries(data).map(([key, value]) => (
            <div key={key} className="log-field-row">
              <dt>data.{key}</dt><dd className="mono">{show(value)}</dd>
            </div>
          ))}
        </dl>
        <h3 className="log-json-title">data</h3>
        <pre className="log-json mono" tabIndex={0} aria-label="The log's data as JSON">{JSON.stringify(data, null, 2)}</pre>
      </div>
    </Dialog>
  );
}
