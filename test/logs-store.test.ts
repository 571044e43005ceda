/**
 * The log stores (SQLite's auxiliary.db written by a worker thread, PostgreSQL's
 * `_logs` table), one suite run against both: batch inserts read back through the
 * logs queries (filter on data paths, `?~`, sort, paging, stats), NUL characters,
 * pruning, truncation; the batching writer (a full batch goes without a flush, a
 * failing store never throws at the caller and is reported once a minute); and over
 * HTTP, requests that still succeed while the store fails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, createPgDatabase, startGalley, type Engine } from './support/galley.js';
import { eventually } from './support/realtime.js';
import type { LogRow, LogStore, LogStoreOptions } from '../src/logs/log-store.js';
import { SqliteLogStore } from '../src/logs/sqlite-log-store.js';
import { PostgresLogStore } from '../src/logs/postgres-log-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { getLog, listLogs, logStats } from '../src/logs/log-queries.js';
import { LogWriter } from '../src/logs/log-writer.js';
import { configureLogger } from '../src/logs/logger.js';
import Database from 'better-sqlite3';
import pg from 'pg';

const list = (store: LogStore, q: Partial<{ filter: string; sort: string; page: number; perPage: number; skipTotal: boolean }> = {}) =>
  listLogs(store, { page: 1, perPage: 100, sort: '@rowid', filter: '', skipTotal: false, ...q });

const row = (n: number, over: Partial<LogRow> = {}): LogRow => ({
  id: `log${String(n).padStart(12, '0')}`, created: `2024-05-01 10:${String(n % 60).padStart(2, '0')}:00.000Z`, level: 0, message: `m${n}`, data: { n }, ...over,
});

/** A log store on a fresh database; `where`: the SQLite file or the PostgreSQL URL. */
async function openStore(engine: Engine, options: LogStoreOptions = {}): Promise<{ store: LogStore; where: string; close(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'galley-logs-'));
    const store = new SqliteLogStore(dir, options);
    await store.init();
    return { store, where: join(dir, 'auxiliary.db'), close: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const url = await createPgDatabase();
  const db = await PostgresStore.connect(url, 2);
  const store = new PostgresLogStore(db, url, options);
  await store.init();
  return { store, where: url, close: async () => { await store.close(); await db.close(); } };
}

/** Makes the store fail (its table is gone), and back. */
const breakStore = (store: LogStore) => store.db.exec('DROP TABLE "_logs"');

describe.each(ENGINES)('log store on %s', (engine) => {
  let store: LogStore;
  let close: () => Promise<void>;

  beforeAll(async () => ({ store, close } = await openStore(engine)));
  afterAll(() => close());
  beforeEach(() => store.truncate());

  it('inserts a batch in one go and reads it back in insertion order, as the API items', async () => {
    await store.insert([row(2), row(1, { level: 8, message: 'GET /x', data: { type: 'request', status: 404, nested: { a: [1, { b: 'c' }] } } })]);
    const page = await list(store);
    expect(page.items).toEqual([
      { id: 'log000000000002', created: '2024-05-01 10:02:00.000Z', data: { n: 2 }, message: 'm2', level: 0 },
      { id: 'log000000000001', created: '2024-05-01 10:01:00.000Z', data: { type: 'request', status: 404, nested: { a: [1, { b: 'c' }] } }, message: 'GET /x', level: 8 },
    ]);
    expect(page.totalItems).toBe(2);
    expect(await getLog(store, 'log000000000001')).toEqual(page.items[1]);
  });

  it('filters on data paths (array indexes too), ?~ over the whole data, and sorts and pages', async () => {
    await store.insert(Array.from({ length: 10 }, (_, i) => row(i, { level: i % 2 ? 8 : 0, data: { n: i, tags: [`t${i}`], deep: { s: `v${i}` } } })));
    expect((await list(store, { filter: 'data.n >= 7' })).items.map((i) => i.id)).toEqual(['log000000000007', 'log000000000008', 'log000000000009']);
    expect((await list(store, { filter: 'data.tags.0 = "t3"' })).items.map((i) => i.message)).toEqual(['m3']);
    expect((await list(store, { filter: 'data.deep.s = "v4" || data ?~ "v6"' })).items.map((i) => i.message)).toEqual(['m4', 'm6']);
    expect((await list(store, { filter: 'level = 8 && created >= "2024-05-01 10:05:00.000Z"', sort: '-@rowid' })).items.map((i) => i.message)).toEqual(['m9', 'm7', 'm5']);
    const page = await list(store, { sort: '-data.n', page: 2, perPage: 3 });
    expect(page.items.map((i) => i.message)).toEqual(['m6', 'm5', 'm4']);
    expect([page.totalItems, page.totalPages]).toEqual([10, 4]);
  });

  it('counts per hour', async () => {
    await store.insert([row(1), row(2, { created: '2024-05-01 11:59:59.999Z' }), row(3, { created: '2024-05-02 00:00:00.000Z', level: 8 })]);
    expect(await logStats(store, '')).toEqual([
      { date: '2024-05-01 10:00:00.000Z', total: 1 }, { date: '2024-05-01 11:00:00.000Z', total: 1 }, { date: '2024-05-02 00:00:00.000Z', total: 1 },
    ]);
    expect(await logStats(store, 'level = 8')).toEqual([{ date: '2024-05-02 00:00:00.000Z', total: 1 }]);
  });

  it('keeps text with quotes, unicode and control characters; a NUL character never fails the batch', async () => {
    const text = 'quote " backslash \\ \\u0000 tab \t emoji 😀 ünï';
    await store.insert([row(1, { message: text, data: { text } }), row(2, { message: 'nul\0here', data: { v: 'a\0b' } })]);
    const [first, second] = (await list(store)).items;
    expect(first!.message).toBe(text);
    expect(first!.data).toEqual({ text });
    // PostgreSQL cannot store NUL in text or jsonb: only that character is dropped.
    expect(second!.message).toBe(engine === 'sqlite' ? 'nul\0here' : 'nulhere');
    expect(second!.data).toEqual({ v: engine === 'sqlite' ? 'a\0b' : 'ab' });
  });

  it('a lone surrogate (half of an emoji) never fails the batch', async () => {
    const half = '😀'.slice(0, 1);
    const escaped = 'a literal \\ud83d stays';
    await store.insert([row(1, { message: `cut ${half}`, data: { error: `unexpected "${half}"`, escaped } }), row(2)]);
    const [first, second] = (await list(store)).items;
    // Neither store can hold it as it is: U+FFFD in its place.
    const stored = '\ufffd';
    expect(first!.message).toBe(`cut ${stored}`);
    expect(first!.data).toEqual({ error: `unexpected "${stored}"`, escaped });
    expect(second!.message).toBe('m2');
  });

  it('deletes rows created before a time, and truncates', async () => {
    await store.insert([row(1), row(2), row(3)]);
    expect(await store.deleteBefore('2024-05-01 10:02:00.000Z')).toBe(1);
    expect((await list(store)).items.map((i) => i.message)).toEqual(['m2', 'm3']);
    await store.truncate();
    expect((await list(store)).totalItems).toBe(0);
  });

  it('the writer sends a full batch without waiting for a flush, and the rest after its interval', async () => {
    const writer = new LogWriter(store, { batchSize: 5, intervalMs: 200, report: () => {} });
    for (let i = 0; i < 7; i++) writer.push({ level: 0, message: `w${i}`, data: { i }, time: Date.parse('2024-05-01T10:00:00Z') + i });
    await eventually(async () => expect((await list(store)).totalItems).toBe(5));
    await eventually(async () => expect((await list(store)).totalItems).toBe(7));
    const items = (await list(store)).items;
    expect(items.map((i) => i.message)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6']);
    expect(items[0]!.created).toBe('2024-05-01 10:00:00.000Z');
    expect(new Set(items.map((i) => i.id)).size).toBe(7);
    for (const i of items) expect(i.id).toMatch(/^[a-z0-9]{15}$/);
  });

  it('the writer never throws when the store fails: the batch is dropped and reported once a minute', async () => {
    const reports: string[] = [];
    const writer = new LogWriter(store, { report: (m) => reports.push(m) });
    await breakStore(store);
    try {
      // (SQLite keeps a batch first and builds its rows later: the failure shows when they are built.)
      writer.push({ level: 0, message: 'lost', data: {}, time: Date.now() });
      await writer.flush();
      await store.caughtUp();
      writer.push({ level: 0, message: 'lost too', data: {}, time: Date.now() });
      await writer.flush();
      await store.caughtUp();
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatch(/^log store write failed 1 time\(s\), 1 log\(s\) dropped: .*_logs/);
    } finally {
      await store.init();
    }
    writer.push({ level: 0, message: 'kept', data: {}, time: Date.now() });
    await writer.flush();
    expect((await list(store)).items.map((i) => i.message)).toEqual(['kept']);
  });
});

/** Holds the log table's write lock from another connection until release() (a stuck store). */
async function lockStore(engine: Engine, where: string): Promise<{ release(): Promise<void> }> {
  if (engine === 'sqlite') {
    const db = new Database(where);
    db.exec('BEGIN IMMEDIATE');
    return { release: async () => { db.exec('COMMIT'); db.close(); } };
  }
  const client = new pg.Client({ connectionString: where });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE "_logs" IN ACCESS EXCLUSIVE MODE');
  return { release: async () => { await client.query('COMMIT'); await client.end(); } };
}

describe.each(ENGINES)('a stuck log store on %s', (engine) => {
  let store: LogStore;
  let where: string;
  let close: () => Promise<void>;
  beforeAll(async () => ({ store, where, close } = await openStore(engine)));
  afterAll(() => close());

  it('queues up to 10,000 logs behind the write in progress and drops the rest, without blocking the caller', async () => {
    const reports: string[] = [];
    const writer = new LogWriter(store, { batchSize: 200, report: (m) => reports.push(m) });
    const lock = await lockStore(engine, where);
    const started = Date.now();
    for (let i = 0; i < 12_000; i++) writer.push({ level: 0, message: `s${i}`, data: { i }, time: started + i });
    expect(Date.now() - started).toBeLessThan(2000); // pushing never waited for the store
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^log store write failed 1 time\(s\), 200 log\(s\) dropped: the log store is not keeping up$/);
    await lock.release();
    await writer.flush();
    // By time: on PostgreSQL two threads may build neighbouring batches at once, so @rowid can be out of batch order.
    const page = await list(store, { perPage: 1, sort: '-created' });
    expect(page.totalItems).toBe(10_200); // the batch being written and the 10,000 queued behind it
    expect(page.items[0]!.message).toBe('s10199');
  }, 30_000);
});

describe.each(ENGINES)('a log store whose background builder never runs, on %s', (engine) => {
  let store: LogStore;
  let where: string;
  let close: () => Promise<void>;
  beforeAll(async () => ({ store, where, close } = await openStore(engine, { backgroundBuilder: false, maxPendingLogs: 3 })));
  afterAll(() => close());

  /** Rows in `_logs` and logs still pending, read around the store (a read through it would build everything first). */
  async function counts(): Promise<{ rows: number; pending: number }> {
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: where });
      await client.connect();
      try {
        const rows = Number((await client.query('SELECT count(*) AS n FROM "_logs"')).rows[0].n);
        const pending = Number((await client.query('SELECT coalesce(sum("count"), 0) AS n FROM "_logs_pending"')).rows[0].n);
        return { rows, pending };
      } finally {
        await client.end();
      }
    }
    const logs = new Database(where, { readonly: true });
    const pendingDb = new Database(where.replace(/\.db$/, '-pending.db'), { readonly: true });
    try {
      const built = Number(logs.prepare('SELECT "n" FROM "_logs_built"').pluck().get());
      const rows = Number(logs.prepare('SELECT count(*) FROM "_logs"').pluck().get());
      const pending = Number(pendingDb.prepare('SELECT coalesce(sum("count"), 0) FROM "_logs_pending" WHERE "n" > ?').pluck().get(built));
      return { rows, pending };
    } finally {
      logs.close();
      pendingDb.close();
    }
  }

  it('builds rows at normal priority, a batch per batch kept, once more than maxPendingLogs wait', async () => {
    // Batches of 2 with a bound of 3: from the second batch on, each one kept builds the oldest.
    for (let b = 0; b < 6; b++) await store.insert([row(2 * b), row(2 * b + 1)]);
    expect(await counts()).toEqual({ rows: 10, pending: 2 });
    // A read still sees everything.
    expect((await list(store)).totalItems).toBe(12);
    expect(await counts()).toEqual({ rows: 12, pending: 0 });
  });
});

describe.each(ENGINES)('a failing log store on %s', (engine) => {
  it('does not fail requests; the failure goes to stdout', async () => {
    const lines: string[] = [];
    await configureLogger({ destination: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
    const g = await startGalley(engine);
    try {
      await g.fetch('/api/health');
      await g.core.logs.flush();
      await breakStore(g.core.logs.store);
      for (let i = 0; i < 20; i++) expect((await g.fetch('/api/health')).status).toBe(200);
      const list = await g.admin.collection('users').getList(1, 1);
      expect(list.totalItems).toBe(0);
      await g.core.logs.flush();
      await g.core.logs.store.caughtUp();
      const reports = lines.map((l) => JSON.parse(l)).filter((l) => l.msg.startsWith('log store write failed'));
      expect(reports).toHaveLength(1);
      expect(reports[0].level).toBe('warn');
    } finally {
      await g.core.logs.store.init();
      await g.close();
      await configureLogger({});
    }
  });
});
