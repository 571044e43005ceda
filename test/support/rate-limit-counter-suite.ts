/**
 * The behaviour every rate-limit counter (server/rate-limit/rate-limit-counter.ts) must
 * have, as one suite run against each implementation (test/rate-limit-counter.test.ts):
 * a fixed window per key admitting exactly `max`, a new window once it ends, and
 * concurrent and round-robin hits over several handles on the same counters (one memory
 * counter three times; three PostgreSQL pools on one database, as three instances)
 * admitting exactly `max` together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitCounter } from '../../src/server/rate-limit/rate-limit-counter.js';

export interface RateLimitCounterFixture {
  /** Three handles on the same counters. */
  counters: [RateLimitCounter, RateLimitCounter, RateLimitCounter];
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const freshKey = () => `test:${Date.now()}:${++n}`;

export function rateLimitCounterSuite(name: string, open: () => Promise<RateLimitCounterFixture>): void {
  describe(`rate-limit counter: ${name}`, () => {
    let fixture: RateLimitCounterFixture;
    let counters: RateLimitCounter[];
    beforeAll(async () => {
      fixture = await open();
      counters = fixture.counters;
    });
    afterAll(() => fixture?.close());

    const hits = async (c: RateLimitCounter, key: string, count: number, max: number, windowMs = 60_000) => {
      const out: boolean[] = [];
      for (let i = 0; i < count; i++) out.push(await c.hit(key, max, windowMs));
      return out;
    };

    it('admits max hits per window and key, then refuses; keys are apart', async () => {
      const [k1, k2] = [freshKey(), freshKey()];
      expect(await hits(counters[0]!, k1, 7, 5)).toEqual([true, true, true, true, true, false, false]);
      expect(await hits(counters[0]!, k2, 2, 5)).toEqual([true, true]);
      expect(await counters[0]!.hit(k1, 5, 60_000)).toBe(false);
    });

    it('starts a new window once the key\'s window has ended (the window starts at the first hit)', async () => {
      const k = freshKey();
      expect(await hits(counters[0]!, k, 3, 2, 1000)).toEqual([true, true, false]);
      await pause(400);
      expect(await counters[0]!.hit(k, 2, 1000)).toBe(false); // later hits do not extend the window
      await pause(700);
      expect(await hits(counters[0]!, k, 3, 2, 1000)).toEqual([true, true, false]);
    });

    it('admits exactly max over the handles in turn (round-robin), whatever the max', async () => {
      for (const max of [1, 2, 7, 20, 61]) {
        const k = freshKey();
        let allowed = 0;
        for (let i = 0; i < max * 3 + 9; i++) if (await counters[i % 3]!.hit(k, max, 60_000)) allowed++;
        expect({ max, allowed }).toEqual({ max, allowed: max });
      }
    });

    it('admits exactly max of many concurrent hits over the handles', async () => {
      const k = freshKey();
      const results = await Promise.all(Array.from({ length: 90 }, (_, i) => counters[i % 3]!.hit(k, 20, 60_000)));
      expect(results.filter(Boolean).length).toBe(20);
    });

    it('keeps many keys apart when they are hit at the same moment (leases of many keys in one statement)', async () => {
      const keys = Array.from({ length: 150 }, () => freshKey());
      const results = await Promise.all(keys.flatMap((k, i) => [0, 1, 2, 3].map((j) => counters[(i + j) % 3]!.hit(k, 3, 60_000))));
      const admitted = keys.map((_, i) => results.slice(i * 4, i * 4 + 4).filter(Boolean).length);
      expect(admitted).toEqual(keys.map(() => 3));
    });

    it('refuses a full window on every handle', async () => {
      const k = freshKey();
      expect(await hits(counters[1]!, k, 3, 3)).toEqual([true, true, true]);
      for (const c of counters) expect(await c.hit(k, 3, 60_000)).toBe(false);
    });
  });
}
