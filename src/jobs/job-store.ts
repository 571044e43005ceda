/**
 * SQL for `_jobs` (the same on both engines apart from PostgreSQL's `FOR UPDATE SKIP
 * LOCKED`, which lets instances claim side by side without waiting on each other).
 * A claim marks rows `running` with a random claim token and a lease (`runAt` pushed to
 * now + lease) and counts the attempt; only the holder of the token may finish, retry
 * or extend the row, so an instance whose lease was taken over cannot overwrite the
 * new holder's outcome.
 */
import { randomBytes } from 'node:crypto';
import type { Executor, Row, Store } from '../store/store.js';
import { Params } from '../store/dialect.js';
import { newRecordId } from '../core/collections/ids.js';

export interface JobRow {
  id: string;
  kind: string;
  key: string | null;
  payload: unknown;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  maxAttempts: number;
  runAt: number;
  claim: string | null;
  lastError: string | null;
  created: number;
  updated: number;
}

function jobFromRow(row: Row): JobRow {
  return {
    id: String(row.id), kind: String(row.kind), key: row.key == null ? null : String(row.key),
    payload: JSON.parse(String(row.payload)) as unknown, status: String(row.status) as JobRow['status'],
    attempts: Number(row.attempts), maxAttempts: Number(row.maxAttempts), runAt: Number(row.runAt),
    claim: row.claim == null ? null : String(row.claim), lastError: row.lastError == null ? null : String(row.lastError),
    created: Number(row.created), updated: Number(row.updated),
  };
}

export interface NewJob {
  kind: string;
  payload: unknown;
  /** Dedupe key: a queued (not yet started) job of the same kind and key is updated instead of added. */
  key?: string;
  maxAttempts: number;
  runAt: number;
}

const T = '"_jobs"';

export class JobStore {
  constructor(private readonly store: Store) {}

  private params(): Params {
    return new Params(this.store.dialect);
  }

  /** Adds a job (through `db`: a record's transaction, so the job commits with it); returns its id. */
  async enqueue(db: Executor, job: NewJob, now = Date.now()): Promise<string> {
    const q = this.params();
    const id = `job_${newRecordId()}`;
    const sql = `INSERT INTO ${T} ("id", "kind", "key", "payload", "status", "attempts", "maxAttempts", "runAt", "created", "updated") ` +
      `VALUES (${q.add(id)}, ${q.add(job.kind)}, ${q.add(job.key ?? null)}, ${q.add(JSON.stringify(job.payload ?? null))}, 'queued', 0, ` +
      `${q.add(job.maxAttempts)}, ${q.add(job.runAt)}, ${q.add(now)}, ${q.add(now)}) ` +
      `ON CONFLICT ("kind", "key") WHERE "status" = 'queued' DO UPDATE SET "payload" = excluded."payload", ` +
      `"maxAttempts" = excluded."maxAttempts", "runAt" = excluded."runAt", "updated" = excluded."updated" RETURNING "id"`;
    const row = await db.get(sql, q.values);
    return String(row?.id ?? id);
  }

  /** Whether any job of these kinds is due (a read, so an idle queue's poll writes nothing). */
  async anyDue(kinds: readonly string[], now = Date.now()): Promise<boolean> {
    if (kinds.length === 0) return false;
    const q = this.params();
    const row = await this.store.get(
      `SELECT "id" FROM ${T} WHERE "status" IN ('queued', 'running') AND "runAt" <= ${q.add(now)} ` +
        `AND "kind" IN (${kinds.map((k) => q.add(k)).join(', ')}) LIMIT 1`, q.values);
    return row !== undefined;
  }

  /**
   * Takes up to `limit` due jobs of these kinds for `leaseMs`: queued ones whose time
   * has come and running ones whose lease expired (their instance died or hung).
   */
  async claim(kinds: readonly string[], limit: number, leaseMs: number, now = Date.now()): Promise<JobRow[]> {
    if (kinds.length === 0 || limit <= 0) return [];
    const q = this.params();
    const pg = this.store.dialect.name === 'postgres';
    const token = randomBytes(9).toString('base64url');
    const sql = `UPDATE ${T} SET "status" = 'running', "claim" = ${q.add(token)}, "runAt" = ${q.add(now + leaseMs)}, ` +
      `"attempts" = "attempts" + 1, "updated" = ${q.add(now)} ` +
      `WHERE "id" IN (SELECT "id" FROM ${T} WHERE "status" IN ('queued', 'running') AND "runAt" <= ${q.add(now)} ` +
      `AND "kind" IN (${kinds.map((k) => q.add(k)).join(', ')}) ` +
      `ORDER BY "runAt", "created" LIMIT ${q.add(limit)}${pg ? ' FOR UPDATE SKIP LOCKED' : ''}) RETURNING *`;
    // A transaction: on SQLite the writer connection (RETURNING rows come from a write).
    const rows = await this.store.transaction((tx) => tx.all(sql, q.values));
    return rows.map(jobFromRow).sort((a, b) => a.created - b.created);
  }

  /** Pushes the lease of a running job further; false when the claim was lost. */
  async extend(job: JobRow, leaseMs: number, now = Date.now()): Promise<boolean> {
    const q = this.params();
    return (await this.store.run(
      `UPDATE ${T} SET "runAt" = ${q.add(now + leaseMs)} WHERE "id" = ${q.add(job.id)} AND "claim" = ${q.add(job.claim)} AND "status" = 'running'`,
      q.values)) === 1;
  }

  /** The end of a job: done, or failed for good with its error. False when the claim was lost. */
  async finish(job: JobRow, status: 'done' | 'failed', error: string | null, now = Date.now()): Promise<boolean> {
    const q = this.params();
    return (await this.store.run(
      `UPDATE ${T} SET "status" = ${q.add(status)}, "lastError" = ${q.add(error)}, "claim" = NULL, "runAt" = ${q.add(now)}, "updated" = ${q.add(now)} ` +
        `WHERE "id" = ${q.add(job.id)} AND "claim" = ${q.add(job.claim)} AND "status" = 'running'`,
      q.values,
    )) === 1;
  }

  /**
   * Queued again for `runAt` after a failed attempt. When a newer job with the same key
   * was queued meanwhile, that one replaces this retry (it carries the newer payload),
   * and this one ends as done. False when the claim was lost.
   */
  async retry(job: JobRow, runAt: number, error: string, now = Date.now()): Promise<boolean> {
    if (await this.requeue(job, runAt, error, 0, now)) return true;
    return this.finish(job, 'done', `superseded by a newer job (${error})`, now);
  }

  /**
   * Gives a claimed job back without counting the attempt (the instance is stopping):
   * queued again, due now, unless a newer job with its key is queued already.
   */
  async release(job: JobRow, now = Date.now()): Promise<boolean> {
    if (await this.requeue(job, now, job.lastError, 1, now)) return true;
    return this.finish(job, 'done', 'superseded by a newer job', now);
  }

  private async requeue(job: JobRow, runAt: number, error: string | null, giveBack: number, now: number): Promise<boolean> {
    const q = this.params();
    return (await this.store.run(
      `UPDATE ${T} SET "status" = 'queued', "lastError" = ${q.add(error)}, "attempts" = "attempts" - ${q.add(giveBack)}, "claim" = NULL, ` +
        `"runAt" = ${q.add(runAt)}, "updated" = ${q.add(now)} ` +
        `WHERE "id" = ${q.add(job.id)} AND "claim" = ${q.add(job.claim)} AND "status" = 'running' AND NOT EXISTS ` +
        `(SELECT 1 FROM ${T} q WHERE q."kind" = ${q.add(job.kind)} AND q."key" = ${q.add(job.key)} AND q."status" = 'queued')`,
      q.values,
    )) === 1;
  }

  async byId(id: string): Promise<JobRow | undefined> {
    const row = await this.store.get(`SELECT * FROM ${T} WHERE "id" = ${this.store.dialect.placeholder(1)}`, [id]);
    return row ? jobFromRow(row) : undefined;
  }

  /** Jobs of a kind, oldest first (tests, inspection). */
  async list(kind: string): Promise<JobRow[]> {
    const rows = await this.store.all(`SELECT * FROM ${T} WHERE "kind" = ${this.store.dialect.placeholder(1)} ORDER BY "created", "id"`, [kind]);
    return rows.map(jobFromRow);
  }

  /** Forgets finished jobs: done ones older than `doneBefore`, failed ones older than `failedBefore`. */
  prune(doneBefore: number, failedBefore: number): Promise<number> {
    const q = this.params();
    return this.store.run(
      `DELETE FROM ${T} WHERE ("status" = 'done' AND "updated" < ${q.add(doneBefore)}) OR ("status" = 'failed' AND "updated" < ${q.add(failedBefore)})`,
      q.values,
    );
  }
}
