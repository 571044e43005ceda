/**
 * The hourly chart of the filtered logs (GET /api/logs/stats), drawn by uPlot on a
 * canvas. This module is its own chunk, loaded with the Logs screen, so the
 * dashboard's first download does not carry the chart library. uPlot styles its
 * elements through the CSSOM (allowed by the CSP), never with style attributes.
 * Canvas colours cannot be CSS variables, so they are read from the container's
 * computed style and the chart is drawn again when the theme changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HourlyStats } from 'pocketbase';
import { parseStored } from '../lib/relative-time';

const HEIGHT = 170;

/** An `rgb(r, g, b)` colour with an alpha. */
function withAlpha(color: string, alpha: number): string {
  const [r, g, b] = color.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0'];
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The hours shown: the logs' span, at least 24 hours back from the newest (or from now). */
function xRange(xs: number[]): [number, number] {
  const last = xs.length ? xs[xs.length - 1]! : Math.floor(Date.now() / 3600_000) * 3600;
  const first = Math.min(xs[0] ?? last, last - 23 * 3600);
  return [first - 1800, last + 1800];
}

/** Bumps when the theme changes: the pinned one (<html data-theme>) or the OS's. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    return () => { observer.disconnect(); media.removeEventListener('change', bump); };
  }, []);
  return version;
}

export default function LogsChart({ stats }: { stats: HourlyStats[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const theme = useThemeVersion();

  const xs = stats.map((s) => (parseStored(s.date)?.getTime() ?? 0) / 1000);
  const ys = stats.map((s) => s.total);
  const total = ys.reduce((a, b) => a + b, 0);

  useEffect(() => {
    const el = box.current!;
    const css = getComputedStyle(el);
    const text = css.color;
    const grid = css.borderTopColor;
    const accent = css.outlineColor;
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: `12px ${css.fontFamily}` };
    const chart = new uPlot({
      width: Math.max(el.clientWidth, 200),
      height: HEIGHT,
      legend: { show: false },
      cursor: { y: false, points: { show: false }, drag: { x: false, y: false } },
      scales: {
        // At least the last day, and half an hour either side so the outer bars are whole.
        x: { time: true, range: xRange(xs) },
        y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
      },
      axes: [axis, { ...axis, size: 44 }],
      series: [
        {},
        { label: 'Logs', stroke: accent, fill: withAlpha(accent, 0.35), width: 1, paths: uPlot.paths.bars!({ size: [0.7, 40, 3] }), points: { show: false } },
      ],
      hooks: { setCursor: [(u) => setHover(u.cursor.idx ?? null)] },
    }, [xs, ys], el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }));
    resize.observe(el);
    return () => { resize.disconnect(); chart.destroy(); };
    // The data arrays are rebuilt each render; their content is what matters.
  }, [JSON.stringify(stats), theme]);

  const hovered = hover !== null && stats[hover] ? stats[hover] : null;
  return (
    <figure className="logs-chart-figure">
      <div ref={box} className="logs-chart" role="img"
        aria-label={`Logs per hour: ${total} log${total === 1 ? '' : 's'} over ${stats.length} hour${stats.length === 1 ? '' : 's'} with logs.`} />
      <figcaption className="muted logs-chart-caption">
        {hovered
          ? `${new Date(xs[hover!]! * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}: ${hovered.total} log${hovered.total === 1 ? '' : 's'}`
          : `${total} log${total === 1 ? '' : 's'} matching, per hour. Point at a bar for its count.`}
      </figcaption>
    </figure>
  );
}
