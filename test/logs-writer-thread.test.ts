/**
 * SQLite's log writer thread (logs/sqlite-log-writer-thread.ts) stops when idle, so an
 * idle server does not keep a second V8 heap, and the next batch starts a new thread:
 * no row is lost across the stop. SQLite only: PostgreSQL's log store has no thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteLogStore } from '../src/logs/sqlite-log-store.js';
import { SqliteLogWriterThread } from '../src/logs/sqlite-log-writer-thread.js';
import { capturedBatch, type LogRow } from '../src/logs/log-store.js';
import { eventually } from './support/realtime.js';

const encodeLogRows = (rows: LogRow[]) => ({ bytes: capturedBatch(rows).bytes, maxDataSize: 0 });
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
    const writer = new SqliteLogWriterThread(file, 300);
    await writer.call('insert', encodeLogRows([row(1), row(2)]));
    expect(writer.running).toBe(true);
    await eventually(() => expect(writer.running).toBe(false), 5000);
    await writer.call('insert', encodeLogRows([row(3)]));
    expect(writer.running).toBe(true);
    expect(stored()).toEqual(['m1', 'm2', 'm3']);
    await writer.call('close');
    expect(writer.running).toBe(false);
  });

  it('keeps its thread while calls keep coming within the idle time', async () => {
    const writer = new SqliteLogWriterThread(file, 600);
    for (let i = 10; i < 15; i++) {
      await writer.call('insert', encodeLogRows([row(i)]));
      await new Promise((r) => setTimeout(r, 200));
      expect(writer.running).toBe(true);
    }
    await writer.call('close');
  });
});
