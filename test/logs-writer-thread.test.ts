/**
 * SQLite's log writer thread (logs/log-writer-thread.ts) stops when idle, so an
 * idle server does not keep a second V8 heap, and the next batch starts a new thread:
 * no row is lost across the stop. It keeps each batch first and builds its rows when it
 * has spare CPU, at nice 19. SQLite only: PostgreSQL's log store has no thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteLogStore } from '../src/logs/sqlite-log-store.js';
import { LogWriterThread } from '../src/logs/log-writer-thread.js';
import { capturedBatch, type LogRow } from '../src/logs/log-store.js';
import { eventually } from './support/realtime.js';

/** Threads of this process at nice 19 (the writer thread lowers its own priority). */
const niceThreads = () => readdirSync('/proc/self/task').filter((tid) => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16] === '19';
}).length;

const encodeLogRows = (rows: LogRow[]) => capturedBatch(rows);
const row = (n: number): LogRow => ({ id: `log${String(n).padStart(12, '0')}`, created: '2024-05-01 10:00:00.000Z', level: 0, message: `m${n}`, data: { n } });

describe('SQLite log writer thread', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'galley-log-thread-'));
    const store = new SqliteLogStore(dir); // creates auxiliary.db and its table
    await store.init();
    await store.close();
    file = join(dir, 'auxiliary.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stored = () => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT "message" FROM "_logs" ORDER BY "id"').all() as { message: string }[]).map((r) => r.message);
    } finally {
      db.close();
    }
  };

  it('stops its thread after the idle time and starts a new one for the next batch, losing no row', async () => {
    const writer = new LogWriterThread('sqlite-log-thread', { file }, 300);
    await writer.call('insert', encodeLogRows([row(1), row(2)]));
    expect(writer.running).toBe(true);
    await eventually(() => expect(writer.running).toBe(false), 5000);
    await writer.call('insert', encodeLogRows([row(3)]));
    expect(writer.running).toBe(true);
    await writer.call('expand');
    expect(stored()).toEqual(['m1', 'm2', 'm3']);
    await writer.call('close');
    expect(writer.running).toBe(false);
  });

  it('the builder builds the rows of a batch a stopped thread left pending, at the lowest CPU priority', async () => {
    // As if a thread had stopped before building its batch's rows (the server was saturated until it shut down).
    const db = new Database(join(dir, 'auxiliary-pending.db'));
    const left = capturedBatch([row(20), row(21)]);
    db.prepare('INSERT INTO "_logs_pending" ("batch", "count", "maxDataSize") VALUES (?, ?, ?)').run(left.bytes, left.count, 0);
    db.close();
    const niceBefore = niceThreads();
    const builder = new LogWriterThread('sqlite-log-thread', { file, background: true }, 60_000);
    await builder.call('expandSoon');
    if (process.platform === 'linux') expect(niceThreads()).toBe(niceBefore + 1);
    await eventually(() => expect(stored().filter((m) => Number(m.slice(1)) >= 20)).toEqual(['m20', 'm21']), 5000);
    await builder.call('close');
  });

  it('the writer and the builder never build a batch twice', async () => {
    const writer = new LogWriterThread('sqlite-log-thread', { file, background: false }, 60_000);
    const builder = new LogWriterThread('sqlite-log-thread', { file, background: true }, 60_000);
    for (let i = 30; i < 90; i++) {
      await writer.call('insert', encodeLogRows([row(i)]));
      void builder.call('expandSoon');
    }
    await writer.call('expand');
    expect(stored().filter((m) => Number(m.slice(1)) >= 30)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i + 30}`));
    await builder.call('close');
    await writer.call('close');
  });

  it('keeps its thread while calls keep coming within the idle time', async () => {
    const writer = new LogWriterThread('sqlite-log-thread', { file }, 600);
    for (let i = 10; i < 15; i++) {
      await writer.call('insert', encodeLogRows([row(i)]));
      await new Promise((r) => setTimeout(r, 200));
      expect(writer.running).toBe(true);
    }
    await writer.call('close');
  });
});
