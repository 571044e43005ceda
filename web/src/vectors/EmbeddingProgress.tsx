/**
 * The automatic embeddings' progress of a collection (docs/ai.md): per vector field with
 * a source, how many records are embedded, pending and failed (the newest failures
 * with their reason, each linking to its record), from
 * GET /api/collections/{c}/embeddings. Refreshed every 2 s while any are pending, so a
 * backfill can be watched; nothing is shown for a collection without such fields.
 */
import { useEffect, useState } from 'react';
import { errorMessage, pb } from '../lib/api';
import { recordPath } from '../records/model';
import { Badge } from '../ui/Badge';
import './vectors.css';

export interface EmbeddingFailure { record: string; error: string; updated: string }
export interface FieldProgress {
  field: string; source: string; embedder: string; total: number; done: number; pending: number; failed: number;
  /** The newest failures (the server lists a few; `failed` counts them all). */
  failures?: EmbeddingFailure[];
}

const REFRESH_MS = 2000;

export function EmbeddingProgress({ collection }: { collection: string }) {
  const [fields, setFields] = useState<FieldProgress[]>([]);
  const [error, setError] = useState('');

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const res = await pb.send<{ fields: FieldProgress[] }>(`/api/collections/${encodeURIComponent(collection)}/embeddings`, {});
        if (stopped) return;
        setFields(res.fields);
        setError('');
        if (res.fields.some((f) => f.pending > 0)) timer = setTimeout(() => void load(), REFRESH_MS);
      } catch (err) {
        if (!stopped) setError(errorMessage(err));
      }
    };
    void load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [collection]);

  if (error) return <p role="alert" className="error">Embedding progress: {error}</p>;
  if (fields.length === 0) return null;
  return (
    <section className="vec-progress" aria-labelledby="vec-progress-title">
      <h2 id="vec-progress-title">Embeddings</h2>
      <ul>
        {fields.map((f) => (
          <li key={f.field} aria-label={`Embeddings of ${f.field}`}>
            <span className="vec-progress-name"><strong>{f.field}</strong> <span className="muted">← {f.source} ({f.embedder})</span></span>
            <progress max={Math.max(f.total, 1)} value={f.total === 0 ? 1 : f.done} aria-label={`${f.field}: ${f.done} of ${f.total} embedded`} />
            <span className="vec-progress-counts">
              <span>{f.done} / {f.total} done</span>
              {f.pending > 0 && <Badge tone="warning">{f.pending} pending</Badge>}
              {f.failed > 0 && <Badge tone="danger">{f.failed} failed</Badge>}
            </span>
            {f.failures && f.failures.length > 0 && (
              <details className="vec-failures">
                <summary>Why {f.failed === 1 ? 'it' : 'they'} failed{f.failed > f.failures.length ? ` (newest ${f.failures.length})` : ''}</summary>
                <ul>
                  {f.failures.map((x) => (
                    <li key={x.record}><a href={`#${recordPath(collection, x.record)}`}>{x.record}</a>: {x.error}</li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
