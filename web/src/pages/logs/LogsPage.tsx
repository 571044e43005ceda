/**
 * The Logs screen (#/logs), like PocketBase's: a search box that takes plain text or a
 * filter expression (`/` focuses it), level chips, the "Include requests by
 * superusers" toggle, the hourly chart of what the filter matches (its own chunk,
 * loaded with this screen), the list that loads more as it is scrolled, the entry
 * dialog, and the logs settings.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { HourlyStats, LogModel } from 'pocketbase';
import { RefreshCw, Settings2 } from 'lucide-react';
import '../../records/records.css';
import '../../logs/logs.css';
import { pb } from '../../lib/api';
import { FilterBar } from '../../records/FilterBar';
import { useDebounced } from '../../records/useRecordList';
import { Button } from '../../ui/Button';
import { LEVELS, buildLogsFilter } from '../../logs/logs-filter';
import { LogDetail } from '../../logs/LogDetail';
import { LogsSettingsDialog } from '../../logs/LogsSettingsDialog';
import { LogsTable } from '../../logs/LogsTable';
import { useLogList } from '../../logs/useLogList';

const LogsChart = lazy(() => import('../../logs/LogsChart'));

export function LogsPage() {
  const [search, setSearch] = useState('');
  const [levels, setLevels] = useState<number[]>([]);
  const [superusers, setSuperusers] = useState(false);
  const [open, setOpen] = useState<LogModel | null>(null);
  const [settings, setSettings] = useState(false);
  const [refreshed, setRefreshed] = useState(0);
  const filter = buildLogsFilter({ search: useDebounced(search, 300), levels, superusers });
  const list = useLogList(filter);
  const [stats, setStats] = useState<HourlyStats[] | null>(null);

  useEffect(() => {
    let live = true;
    pb.logs.getStats({ filter }).then((s) => { if (live) setStats(s); }, () => { /* a bad filter is reported by the list */ });
    return () => { live = false; };
  }, [filter, refreshed]);

  const toggleLevel = (level: number) => setLevels((ls) => (ls.includes(level) ? ls.filter((l) => l !== level) : [...ls, level]));
  const refresh = () => { setRefreshed((n) => n + 1); list.reload(); };

  return (
    <section className="logs-page">
      <header className="logs-header">
        <h1>Logs</h1>
        <div className="logs-header-actions">
          <Button variant="secondary" icon={RefreshCw} onClick={refresh}>Refresh</Button>
          <Button variant="secondary" icon={Settings2} onClick={() => setSettings(true)}>Logs settings</Button>
        </div>
      </header>
      <div className="logs-toolbar">
        <FilterBar value={search} onChange={setSearch} error={list.filterError}
          placeholder={`Search, or filter e.g. data.status >= 400 && data.url ~ "/api/collections"`} />
        <div className="logs-levels" role="group" aria-label="Levels">
          {LEVELS.map((l) => (
            <button key={l.value} type="button" className={`chip chip-${l.tone}`} aria-pressed={levels.includes(l.value)} onClick={() => toggleLevel(l.value)}>{l.label}</button>
          ))}
        </div>
        <label className="logs-toggle">
          <input type="checkbox" checked={superusers} onChange={(e) => setSuperusers(e.target.checked)} />
          Include requests by superusers
        </label>
      </div>
      <div className="card logs-chart-card">
        {stats === null
          ? <p className="muted logs-chart-placeholder">Loading the chart…</p>
          : <Suspense fallback={<p className="muted logs-chart-placeholder">Loading the chart…</p>}><LogsChart stats={stats} /></Suspense>}
      </div>
      {list.error && <p role="alert" className="error">{list.error}</p>}
      <div aria-busy={list.loading}>
        <LogsTable items={list.items} loading={list.loading} hasMore={list.hasMore} onMore={list.loadMore} onOpen={setOpen}
          filtered={search.trim() !== '' || levels.length > 0} listKey={filter} />
      </div>
      {open && <LogDetail log={open} onClose={() => setOpen(null)} />}
      {settings && <LogsSettingsDialog onClose={() => setSettings(false)} />}
    </section>
  );
}
