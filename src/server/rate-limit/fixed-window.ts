/**
 * Fixed-window counters in process memory: at most `max` hits per `windowMs` for a key,
 * the window starting at the key's first hit. The rate limiter's counter on SQLite (one
 * process serves the database; PostgreSQL shares leased-counter.ts across instances);
 * expired windows are swept periodically.
 */
import type { RateLimitCounter } from './rate-limit-counter.js';

interface Window {
  resetAt: number;
  count: number;
}

const SWEEP_EVERY_MS = 60_000;

export class FixedWindowCounter implements RateLimitCounter {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  /** Counts a hit; false when the key already had `max` hits in its current window. */
  hit(key: string, max: number, windowMs: number, now = Date.now()): boolean {
    if (now >= this.nextSweep) this.sweep(now);
    const w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      this.windows.set(key, { resetAt: now + windowMs, count: 1 });
      return true;
    }
    if (w.count >= max) return false;
    w.count++;
    return true;
  }

  private sweep(now: number): void {
    this.nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, w] of this.windows) if (now >= w.resetAt) this.windows.delete(key);
  }
}
