/**
 * The behaviour every sign-in protection CounterStore must have, as one suite run
 * against each implementation (test/counter-store.test.ts): fixed windows, hits
 * taken back, clearing, window ends, and concurrent hits all counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterStore } from '../../src/core/auth/protection/counter-store.js';

export interface CounterStoreFixture {
  /** Two handles on the same counters (one memory store twice; two PostgreSQL pools on one database). */
  stores: [CounterStore, CounterStore];
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const freshKey = () => `test:${Date.now()}:${++n}`;

export function counterStoreSuite(name: string, open: () => Promise<CounterStoreFixture>): void {
  describe(`counter store: ${name}`, () => {
    let fixture: CounterStoreFixture;
    let a: CounterStore;
    let b: CounterStore;
    beforeAll(async () => {
      fixture = await open();
      [a, b] = fixture.stores;
    });
    afterAll(() => fixture?.close());

    it('counts hits in a window and reads them, keys apart', async () => {
      const k1 = freshKey();
      const k2 = freshKey();
      expect(await a.read(k1)).toBe(0);
      expect([await a.hit(k1, 60_000), await a.hit(k1, 60_000), await a.hit(k1, 60_000)]).toEqual([1, 2, 3]);
      expect(await a.hit(k2, 60_000)).toBe(1);
      expect(await a.read(k1)).toBe(3);
      expect(await a.read(k2)).toBe(1);
    });

    it('takes a hit back, never below zero, and not from a key without a window', async () => {
      const k = freshKey();
      await a.hit(k, 60_000);
      await a.hit(k, 60_000);
      await a.unhit(k);
      expect(await a.read(k)).toBe(1);
      await a.unhit(k);
      await a.unhit(k);
      expect(await a.read(k)).toBe(0);
      expect(await a.hit(k, 60_000)).toBe(1);
      const none = freshKey();
      await a.unhit(none);
      expect(await a.hit(none, 60_000)).toBe(1);
    });

    it('clears keys, leaving the others', async () => {
      const [k1, k2, k3] = [freshKey(), freshKey(), freshKey()];
      for (const k of [k1, k2, k3]) await a.hit(k, 60_000);
      await a.clear([k1, k2]);
      await a.clear([]);
      expect([await a.read(k1), await a.read(k2), await a.read(k3)]).toEqual([0, 0, 1]);
      expect(await a.hit(k1, 60_000)).toBe(1);
    });

    it('starts a new window once the key\'s window has ended (the window starts at the first hit)', async () => {
      const k = freshKey();
      expect(await a.hit(k, 1000)).toBe(1);
      await pause(400);
      expect(await a.hit(k, 1000)).toBe(2); // still the first window: later hits do not extend it
      await pause(700);
      expect(await a.read(k)).toBe(0);
      await a.unhit(k); // nothing to take back from an ended window
      expect(await a.hit(k, 1000)).toBe(1);
    });

    it('counts every one of many concurrent hits, from both handles', async () => {
      const k = freshKey();
      const counts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit(k, 60_000)));
      expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await b.read(k)).toBe(40);
      await b.clear([k]);
      expect(await a.read(k)).toBe(0);
    });
  });
}
