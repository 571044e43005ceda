/**
 * `_embeddings`: the state of each automatically embedded vector (docs/ai.md), one
 * row per (collection, vector field, record) whose source has text: the hash of the
 * text the row is about, and `pending`, `done` or `failed` (with the error). The hash
 * is how an unchanged text is never embedded again; the statuses are the progress the
 * API reports; pending rows are what the embedding job works through, in batches.
 * Times are Unix milliseconds. Ids are stored (they survive renames).
 */
import type { Executor, Store } from '../store/store.js';
import { createHash } from 'node:crypto';

export type EmbeddingStatus = 'pending' | 'done' | 'failed';

/** A record whose vector could not be computed: the embedder's reason, and when (ISO). */
export interface EmbeddingFailure { record: string; error: string; updated: string }

export async function ensureEmbeddingsTable(store: Store): Promise<void> {
  const [text, ms] = store.dialect.name === 'sqlite' ? ['TEXT', 'INTEGER'] : ['text', 'bigint'];
  const ddl =
    `CREATE TABLE IF NOT EXISTS "_embeddings" ("collection" ${text} NOT NULL, "field" ${text} NOT NULL, "record" ${text} NOT NULL, ` +
    `"hash" ${text}, "status" ${text} NOT NULL, "error" ${text}, "updated" ${ms} NOT NULL, PRIMARY KEY ("collection", "field", "record"));` +
    `CREATE INDEX IF NOT EXISTS "_embeddings_status" ON "_embeddings" ("collection", "field", "status", "updated");`;
  try {
    await store.exec(ddl);
  } catch (err) {
    // PostgreSQL's IF NOT EXISTS is not atomic: another instance starting at the same moment.
    await store.exec(ddl).catch(() => { throw err; });
  }
}

/** The hash of a source text as embedded by one embedder into one size. */
export const textHash = (text: string) => createHash('sha256').update(text).digest('base64url');

const ph = (dialect: 'sqlite' | 'postgres') => (n: number) => (dialect === 'sqlite' ? '?' : `$${n}`);

export class EmbeddingRows {
  constructor(private readonly dialect: 'sqlite' | 'postgres') {}

  async get(db: Executor, collection: string, field: string, record: string): Promise<{ hash: string | null; status: EmbeddingStatus } | undefined> {
    const p = ph(this.dialect);
    const row = await db.get(`SELECT "hash", "status" FROM "_embeddings" WHERE "collection" = ${p(1)} AND "field" = ${p(2)} AND "record" = ${p(3)}`, [collection, field, record]);
    return row ? { hash: (row.hash as string | null) ?? null, status: row.status as EmbeddingStatus } : undefined;
  }

  async set(db: Executor, collection: string, field: string, record: string, hash: string | null, status: EmbeddingStatus, error: string | null = null): Promise<void> {
    const p = ph(this.dialect);
    await db.run(
      `INSERT INTO "_embeddings" ("collection", "field", "record", "hash", "status", "error", "updated") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}) ` +
      `ON CONFLICT ("collection", "field", "record") DO UPDATE SET "hash" = excluded."hash", "status" = excluded."status", "error" = excluded."error", "updated" = excluded."updated"`,
      [collection, field, record, hash, status, error, Date.now()],
    );
  }

  async remove(db: Executor, collection: string, field: string, record: string): Promise<void> {
    const p = ph(this.dialect);
    await db.run(`DELETE FROM "_embeddings" WHERE "collection" = ${p(1)} AND "field" = ${p(2)} AND "record" = ${p(3)}`, [collection, field, record]);
  }

  async removeRecord(db: Executor, collection: string, record: string): Promise<void> {
    const p = ph(this.dialect);
    await db.run(`DELETE FROM "_embeddings" WHERE "collection" = ${p(1)} AND "record" = ${p(2)}`, [collection, record]);
  }

  async removeField(db: Executor, collection: string, field: string): Promise<void> {
    const p = ph(this.dialect);
    await db.run(`DELETE FROM "_embeddings" WHERE "collection" = ${p(1)} AND "field" = ${p(2)}`, [collection, field]);
  }

  /** Every record of the table whose source has text becomes pending (a backfill after the source or embedder changed). */
  async resetField(db: Executor, collection: string, field: string, table: string, sourceColumn: string): Promise<void> {
    const p = ph(this.dialect);
    await this.removeField(db, collection, field);
    await db.run(
      `INSERT INTO "_embeddings" ("collection", "field", "record", "hash", "status", "error", "updated") ` +
      `SELECT ${p(1)}, ${p(2)}, "id", NULL, 'pending', NULL, ${p(3)} FROM ${table} WHERE ${sourceColumn} IS NOT NULL AND ${sourceColumn} <> ''`,
      [collection, field, Date.now()],
    );
  }

  /** The oldest pending rows of a field. */
  async pending(db: Executor, collection: string, field: string, limit: number): Promise<{ record: string; hash: string | null }[]> {
    const p = ph(this.dialect);
    const rows = await db.all(
      `SELECT "record", "hash" FROM "_embeddings" WHERE "collection" = ${p(1)} AND "field" = ${p(2)} AND "status" = 'pending' ORDER BY "updated", "record" LIMIT ${p(3)}`,
      [collection, field, limit],
    );
    return rows.map((r) => ({ record: String(r.record), hash: (r.hash as string | null) ?? null }));
  }

  /** Pending rows of a field become failed (the job gave up). */
  async failPending(db: Executor, collection: string, field: string, error: string): Promise<void> {
    const p = ph(this.dialect);
    await db.run(`UPDATE "_embeddings" SET "status" = 'failed', "error" = ${p(1)}, "updated" = ${p(2)} WHERE "collection" = ${p(3)} AND "field" = ${p(4)} AND "status" = 'pending'`,
      [error, Date.now(), collection, field]);
  }

  /** The most recent failures of a field, newest first: which records and why. */
  async failures(db: Executor, collection: string, field: string, limit: number): Promise<EmbeddingFailure[]> {
    const p = ph(this.dialect);
    const rows = await db.all(
      `SELECT "record", "error", "updated" FROM "_embeddings" WHERE "collection" = ${p(1)} AND "field" = ${p(2)} AND "status" = 'failed' ORDER BY "updated" DESC, "record" LIMIT ${p(3)}`,
      [collection, field, limit],
    );
    return rows.map((r) => ({ record: String(r.record), error: String(r.error ?? ''), updated: new Date(Number(r.updated)).toISOString() }));
  }

  /** Counts per status of a field. */
  async progress(db: Executor, collection: string, field: string): Promise<Record<EmbeddingStatus, number>> {
    const p = ph(this.dialect);
    const rows = await db.all(`SELECT "status", COUNT(*) AS "n" FROM "_embeddings" WHERE "collection" = ${p(1)} AND "field" = ${p(2)} GROUP BY "status"`, [collection, field]);
    const out: Record<EmbeddingStatus, number> = { pending: 0, done: 0, failed: 0 };
    for (const r of rows) out[r.status as EmbeddingStatus] = Number(r.n);
    return out;
  }
}
