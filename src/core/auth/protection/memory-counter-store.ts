/**
 * Fixed-window counters in process memory (SQLite: one process serves the
 * database). Ended windows are swept at most once a minute, on a hit.
 */
import type { CounterStore } from './counter-store.js';

interface Window {
  count: number;
  resetAt: number;
}

const SWEEP_EVERY_MS = 60_000;

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    const w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      this.windows.set(key, { count: 1, resetAt: now + windowMs });
      return 1;
    }
    return ++w.count;
  }

  async unhit(key: string): Promise<void> {
    const w = this.live(key);
    if (w && w.count > 0) w.count--;
  }

  async read(key: string): Promise<number> {
    return this.live(key)?.count ?? 0;
  }

  async clear(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.windows.delete(key);
  }

  private live(key: string): Window | undefined {
    const w = this.windows.get(key);
    return w && Date.now() < w.resetAt ? w : undefined;
  }

  private sweep(now: number): void {
    this.nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, w] of this.windows) if (now >= w.resetAt) this.windows.delete(key);
  }
}
