/**
 * The last five minutes of this instance's requests, for the dashboard's overview
 * (GET /api/metrics/overview): a ring of one-second slots, each holding its count,
 * its failures and a coarse latency histogram. Recording is O(1) — one slot, one
 * bucket — and a read sums at most 300 slots, so the overview costs the request path
 * nothing beyond a few increments. Prometheus keeps the long-term figures.
 */

/** Upper bounds of the latency buckets, in ms; the last bucket is everything above. */
const BOUNDS_MS = [1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000];
const BUCKETS = BOUNDS_MS.length + 1;
const SLOTS = 300;

export interface WindowFigures {
  /** Requests answered in the window. */
  requests: number;
  /** Share of them answered 4xx or 5xx (the request log's level 8); null without requests. */
  errorRate: number | null;
  /** Share answered 5xx; null without requests. */
  serverErrorRate: number | null;
  /** 95th percentile of the response time in ms (interpolated within its bucket); null without requests. */
  p95Ms: number | null;
}

/**
 * Unix seconds, refreshed four times a second by one unref'd timer (started on first
 * use): reading the system clock on every request cost three times the rest of
 * record() on the test machine (~300 ns against ~100 ns).
 */
let clockSecond = 0;
let clockTimer: NodeJS.Timeout | undefined;
function coarseSecond(): number {
  if (!clockTimer) {
    clockSecond = Math.floor(Date.now() / 1000);
    clockTimer = setInterval(() => { clockSecond = Math.floor(Date.now() / 1000); }, 250);
    clockTimer.unref();
  }
  return clockSecond;
}

export class RequestWindow {
  /** The second (Unix time) each slot holds; a slot from an older second is stale. */
  private readonly second = new Float64Array(SLOTS).fill(-1);
  private readonly count = new Uint32Array(SLOTS);
  private readonly failed = new Uint32Array(SLOTS);
  private readonly serverErrors = new Uint32Array(SLOTS);
  private readonly latency = new Uint32Array(SLOTS * BUCKETS);

  private readonly currentSecond: () => number;

  /** `now` (ms) is for tests; by default the coarse clock above. */
  constructor(now?: () => number) {
    this.currentSecond = now ? () => Math.floor(now() / 1000) : coarseSecond;
  }

  record(ms: number, status: number): void {
    const second = this.currentSecond();
    const slot = second % SLOTS;
    if (this.second[slot] !== second) {
      // First request of this second: the slot still holds one from five minutes ago (or none).
      this.second[slot] = second;
      this.count[slot] = 0;
      this.failed[slot] = 0;
      this.serverErrors[slot] = 0;
      this.latency.fill(0, slot * BUCKETS, slot * BUCKETS + BUCKETS);
    }
    this.count[slot]!++;
    if (status >= 400) this.failed[slot]!++;
    if (status >= 500) this.serverErrors[slot]!++;
    let b = 0;
    while (b < BOUNDS_MS.length && ms > BOUNDS_MS[b]!) b++;
    this.latency[slot * BUCKETS + b]!++;
  }

  /** The figures of the last `seconds` seconds, the current one included (at most 300). */
  figures(seconds: number): WindowFigures {
    const newest = this.currentSecond();
    const oldest = newest - Math.min(seconds, SLOTS) + 1;
    let requests = 0;
    let failed = 0;
    let serverErrors = 0;
    const histogram = new Array<number>(BUCKETS).fill(0);
    for (let slot = 0; slot < SLOTS; slot++) {
      const s = this.second[slot]!;
      if (s < oldest || s > newest) continue;
      requests += this.count[slot]!;
      failed += this.failed[slot]!;
      serverErrors += this.serverErrors[slot]!;
      for (let b = 0; b < BUCKETS; b++) histogram[b]! += this.latency[slot * BUCKETS + b]!;
    }
    if (requests === 0) return { requests, errorRate: null, serverErrorRate: null, p95Ms: null };
    return { requests, errorRate: failed / requests, serverErrorRate: serverErrors / requests, p95Ms: quantile(histogram, requests, 0.95) };
  }
}

/** The q-quantile of a bucketed histogram, linearly interpolated inside the bucket it falls in. */
function quantile(histogram: number[], total: number, q: number): number {
  const rank = q * total;
  let seen = 0;
  for (let b = 0; b < histogram.length; b++) {
    const n = histogram[b]!;
    if (n === 0 || seen + n < rank) { seen += n; continue; }
    const lower = b === 0 ? 0 : BOUNDS_MS[b - 1]!;
    // Beyond the last bound nothing is known but "more than 10 s".
    if (b === BOUNDS_MS.length) return lower;
    const upper = BOUNDS_MS[b]!;
    return lower + (upper - lower) * ((rank - seen) / n);
  }
  return BOUNDS_MS[BOUNDS_MS.length - 1]!;
}
