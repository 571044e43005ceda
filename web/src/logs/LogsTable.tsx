/**
 * The logs list: a level badge, the message (a button that opens the entry), a few
 * data chips (status, execTime, auth; or the first attributes of an app log) and the
 * time. The row after the last one is watched (IntersectionObserver): when it scrolls
 * into view the next page loads, so the list grows as it is read. On wide screens the
 * list scrolls inside its own frame, so that frame is the observer's root (a viewport
 * root would not see the 200px look-ahead through the frame's clip), and a new filter
 * scrolls it back to the top: its first page starts there.
 */
import { useEffect, useRef } from 'react';
import type { LogModel } from 'pocketbase';
import { ScrollText } from 'lucide-react';
import { Badge, type Tone } from '../ui/Badge';
import { EmptyState } from '../ui/EmptyState';
import { Tooltip } from '../ui/Tooltip';
import { parseStored, relativeTime } from '../lib/relative-time';
import { levelLabel, levelTone } from './logs-filter';

interface Props {
  items: LogModel[];
  loading: boolean;
  hasMore: boolean;
  onMore: () => void;
  onOpen: (log: LogModel) => void;
  filtered: boolean;
  /** The list's identity (its filter): a new one starts at the top. */
  listKey: string;
}

/** The frame when it scrolls by itself (a max-height), else null: the viewport scrolls. */
function scrollRoot(frame: HTMLElement | null): HTMLElement | null {
  if (!frame) return null;
  const style = getComputedStyle(frame);
  return style.maxHeight !== 'none' && /auto|scroll/.test(style.overflowY) ? frame : null;
}

function statusTone(status: number): Tone {
  if (status >= 500) return 'danger';
  if (status >= 400) return 'warning';
  return 'success';
}

function chips(data: Record<string, unknown>): { text: string; tone: Tone; label: string }[] {
  const out: { text: string; tone: Tone; label: string }[] = [];
  if (typeof data.status === 'number') out.push({ text: String(data.status), tone: statusTone(data.status), label: 'status' });
  if (typeof data.execTime === 'number') out.push({ text: `${data.execTime.toFixed(data.execTime < 10 ? 1 : 0)} ms`, tone: 'neutral', label: 'execTime' });
  if (typeof data.auth === 'string') out.push({ text: data.auth || 'guest', tone: data.auth === '_superusers' ? 'accent' : 'neutral', label: 'auth' });
  if (out.length === 0) {
    for (const [key, value] of Object.entries(data).slice(0, 2)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      out.push({ text: `${key}: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`, tone: 'neutral', label: key });
    }
  }
  return out;
}

export function LogsTable({ items, loading, hasMore, onMore, onOpen, filtered, listKey }: Props) {
  const frame = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLTableRowElement>(null);
  const more = useRef(onMore);
  more.current = onMore;

  // Armed anew after every load: a new observer reports at once when the row is still in
  // view (a tall window, or a page that arrived while the previous request was running).
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || loading) return;
    const observer = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) more.current(); },
      { root: scrollRoot(frame.current), rootMargin: '200px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, items.length, loading]);

  useEffect(() => { if (frame.current) frame.current.scrollTop = 0; }, [listKey]);

  if (!loading && items.length === 0) {
    return (
      <div className="card">
        <EmptyState icon={ScrollText} title={filtered ? 'No logs match.' : 'No logs yet.'}>
          {filtered && <p>Change the search or the filters above.</p>}
        </EmptyState>
      </div>
    );
  }
  return (
    <div ref={frame} className="table-frame logs-table-wrap">
      <table className="logs-table">
        <thead>
          <tr><th scope="col">Level</th><th scope="col">Message</th><th scope="col">Data</th><th scope="col">Created</th></tr>
        </thead>
        <tbody>
          {items.map((log) => {
            const created = parseStored(log.created);
            return (
              <tr key={log.id}>
                <td><Badge tone={levelTone(Number(log.level))}>{levelLabel(Number(log.level))}</Badge></td>
                <td className="logs-message">
                  <button type="button" className="link logs-open" onClick={() => onOpen(log)}>{log.message}</button>
                </td>
                <td>
                  <div className="logs-chips">
                    {chips((log.data ?? {}) as Record<string, unknown>).map((c) => (
                      <Badge key={c.label} tone={c.tone} title={c.label}><span className="sr-only">{c.label} </span>{c.text}</Badge>
                    ))}
                  </div>
                </td>
                <td className="logs-created">
                  {created ? <Tooltip tip={log.created} focusable><span>{relativeTime(created)}</span></Tooltip> : log.created}
                </td>
              </tr>
            );
          })}
          {hasMore && <tr ref={sentinel} className="logs-more"><td colSpan={4} className="muted">{loading ? 'Loading more…' : ''}</td></tr>}
        </tbody>
      </table>
      {!hasMore && items.length > 0 && <p className="muted logs-end">{items.length} log{items.length === 1 ? '' : 's'}, the end of the list.</p>}
    </div>
  );
}
