/**
 * The dashboard's home (#/): this instance's requests per minute, error rate, p95
 * latency and realtime clients, refreshed live (useOverview), with the last five
 * minutes beside each, and the way to the collections and the logs.
 */
import { Activity, Database, Gauge, Radio, ScrollText, TriangleAlert } from 'lucide-react';
import type { LucideIcon } from 'lucide-react';
import '../overview/overview.css';
import { Notice } from '../components/Notice';
import { ButtonLink } from '../ui/Button';
import { useOverview, POLL_MS, type Overview } from '../overview/useOverview';

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
const count = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toLocaleString('en'));

function Stat({ icon: Icon, label, value, detail, tone }: { icon: LucideIcon; label: string; value: string; detail: string; tone?: 'danger' }) {
  return (
    <li className={`card ov-stat${tone ? ` ov-stat-${tone}` : ''}`}>
      <span className="ov-label"><Icon className="icon" aria-hidden="true" />{label}</span>
      <span className="ov-value" data-stat={label}>{value}</span>
      <span className="muted">{detail}</span>
    </li>
  );
}

function uptime(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function Stats({ o }: { o: Overview }) {
  const five = o.fiveMinutes;
  return (
    <ul className="ov-stats" aria-label="This instance, last minute">
      <Stat icon={Activity} label="Requests per minute" value={count(o.requestsPerMinute)} detail={`5 min average: ${five ? count(Math.round(five.requestsPerMinute)) : '–'}`} />
      <Stat icon={TriangleAlert} label="Error rate" value={percent(o.errorRate)} tone={(o.serverErrorRate ?? 0) > 0 ? 'danger' : undefined}
        detail={`4xx and 5xx; 5xx: ${percent(o.serverErrorRate)}; 5 min: ${percent(five?.errorRate)}`} />
      <Stat icon={Gauge} label="p95 latency" value={ms(o.p95Ms)} detail={`5 min: ${ms(five?.p95Ms)}`} />
      <Stat icon={Radio} label="Realtime clients" value={count(o.realtimeClients)} detail={`Requests in flight: ${count(o.activeRequests)}`} />
    </ul>
  );
}

export function OverviewPage() {
  const { overview, error } = useOverview();
  return (
    <section className="ov-page">
      <header className="ov-header">
        <h1>Overview</h1>
        <div className="ov-actions">
          <ButtonLink variant="secondary" icon={Database} href="#/collections">Collections</ButtonLink>
          <ButtonLink variant="secondary" icon={ScrollText} href="#/logs">Logs</ButtonLink>
        </div>
      </header>
      {error && <Notice error={error} />}
      {overview === null && !error && <p className="muted">Loading…</p>}
      {overview && !overview.enabled && (
        <div className="card">
          <p className="ov-off" role="status">Metrics are switched off on this instance (<code>GALLEY_METRICS=off</code>), so there are no live figures. The logs still record every request.</p>
        </div>
      )}
      {overview?.enabled && (
        <>
          <Stats o={overview} />
          <p className="muted">This instance, over the last minute; refreshed every {POLL_MS / 1000} s while this page is visible. Up {uptime(overview.uptimeSeconds)}. Whole-cluster figures: Prometheus at <code>/api/metrics</code>.</p>
        </>
      )}
    </section>
  );
}
