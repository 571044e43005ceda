/**
 * PostgreSQL's data versions after commits (src/core/versions/postgres-data-versions.ts):
 * moves are sent one at a time, and the writes that commit while one is on its way
 * share the next (a group commit). What keeps cached totals exact: a caller is answered
 * only after a move sent after its call. (SQLite's versions are counters in memory.)
 *
 * The store is a real one; the test only counts its version moves and, while asked to,
 * holds them back, so that "on its way" is a state it can set up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { PostgresDataVersions } from '../src/core/versions/postgres-data-versions.js';
import type { Store } from '../src/store/store.js';
import { createPgDatabase } from './support/galley.js';

/** The store with its moves (statements calling nextval) recorded and, while held, kept waiting. */
function withHeldMoves(store: Store) {
  const moves: string[][] = [];
  let gate: Promise<void> | undefined;
  let open = () => {};
  const held = new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (key !== 'get') return typeof value === 'function' ? value.bind(target) : value;
      return async (sql: string, params?: readonly unknown[]) => {
        if (sql.includes('nextval')) {
          moves.push([...(params?.[0] as string[])]);
          if (gate) await gate;
        }
        return target.get(sql, params);
      };
    },
  });
  return {
    store: held,
    moves,
    hold() { gate = new Promise((resolve) => { open = () => { gate = undefined; resolve(); }; }); },
    release() { open(); },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('data version moves on PostgreSQL', () => {
  let db: PostgresStore;
  beforeAll(async () => { db = await PostgresStore.connect(await createPgDatabase()); });
  afterAll(() => db?.close());

  it('writes committed while a move is on its way share the next one, and are answered only after it', async () => {
    const gated = withHeldMoves(db);
    const versions = new PostgresDataVersions(gated.store, () => false);
    await versions.changed(['c1', 'c2']); // creates the sequences
    gated.moves.length = 0;

    gated.hold();
    const first = versions.changed(['c1']);
    await until(() => gated.moves.length === 1);
    let answered = 0;
    const later = [...Array.from({ length: 10 }, () => versions.changed(['c1'])), versions.changed(['c2'])]
      .map((p) => p.then(() => { answered++; }));
    await new Promise((r) => setTimeout(r, 30));
    expect(gated.moves.length).toBe(1); // nothing else is sent while one is on its way

    gated.release();
    gated.hold(); // the next move is held in its turn
    await first;
    await until(() => gated.moves.length === 2);
    expect(gated.moves[1]!.sort()).toEqual(['c1', 'c2']); // eleven calls, one move
    await new Promise((r) => setTimeout(r, 30));
    expect(answered).toBe(0); // their move has not run: none of them is answered

    gated.release();
    await Promise.all(later);
    expect(answered).toBe(11);
    expect(gated.moves.length).toBe(2);
  });

  it('a move that fails fails its callers, and the next move is sent all the same', async () => {
    const versions = new PostgresDataVersions(db, () => false);
    await versions.changed(['ok']);
    // An id that is no identifier PostgreSQL can make a sequence of: the move fails.
    await expect(versions.changed(['bad\u0000id'])).rejects.toThrow();
    await expect(versions.changed(['ok'])).resolves.toBeUndefined();
  });
});
