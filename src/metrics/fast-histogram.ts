/**
 * A Prometheus histogram for the request path. prom-client's Histogram validates,
 * hashes and allocates on every observation (labels() builds a label object, observe()
 * hashes it again); measured, that was most of what metrics cost a request. Here a
 * label set resolves once to a cell (cached by its values), and an observation is a
 * bucket search and three additions. The histogram registers in a prom-client
 * registry in prom-client's own metric shape, so GET /api/metrics reads the same.
 */
import type { Metric, Registry } from 'prom-client';

export class HistogramCell {
  /** Observations per bucket (not cumulative); the last one is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[], readonly labels: Record<string, string>) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let b = 0;
    while (b < bounds.length && value > bounds[b]!) b++;
    this.counts[b]!++;
    this.sum += value;
    this.count++;
  }
}

interface ExportedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly cells = new Map<string, HistogramCell>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The cell of these label values (in labelNames' order); keep it to observe without a lookup. */
  labels(...values: string[]): HistogramCell {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let cell = this.cells.get(key);
    if (!cell) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => { labels[name] = values[i] ?? ''; });
      cell = new HistogramCell(this.bounds, labels);
      this.cells.set(key, cell);
    }
    return cell;
  }

  reset(): void {
    this.cells.clear();
  }

  /** prom-client's metric object: cumulative `_bucket` lines with `le` first (as prom-client writes them), then `_sum` and `_count`, per cell. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    const values: ExportedValue[] = [];
    for (const cell of this.cells.values()) {
      if (cell.count === 0) continue;
      let cumulative = 0;
      for (let b = 0; b <= this.bounds.length; b++) {
        cumulative += cell.counts[b]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: b < this.bounds.length ? this.bounds[b]! : '+Inf', ...cell.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: cell.labels, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels: cell.labels, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
