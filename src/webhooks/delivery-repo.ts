/**
 * SQL for `_webhookDeliveries`, the outbox. Rows are added inside the record's
 * transaction (enqueue), claimed by one instance at a time (a claim token and a lease
 * pushed into nextAttempt, so a crashed sender's rows become due again; `FOR UPDATE
 * SKIP LOCKED` on PostgreSQL so instances never wait on each other), and finished only
 * by the holder of the claim.
 */
import { randomBytes } from 'node:crypto';
import type { Executor, Row, Store } from '../store/store.js';

export interface DeliveryRow {
  id: string;
  webhookId: string;
  event: string;
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttempt: number;
  claim: string | null;
  lastStatus: number | null;
  lastError: string | null;
  log: AttemptLog[];
  created: number;
  updated: number;
}

export interface AttemptLog {
  at: number;
  status: number | null;
  error: string | null;
  ms: number;
}

export function deliveryFromRow(row: Row): DeliveryRow {
  return {
    id: String(row.id), webhookId: String(row.webhookId), event: String(row.event), payload: String(row.payload),
    status: String(row.status) as DeliveryRow['status'], attempts: Number(row.attempts), nextAttempt: Number(row.nextAttempt),
    claim: row.claim == null ? null : String(row.claim), lastStatus: row.lastStatus == null ? null : Number(row.lastStatus),
    lastError: row.lastError == null ? null : String(row.lastError), log: JSON.parse(String(row.log)) as AttemptLog[],
    created: Number(row.created), updated: Number(row.updated),
  };
}

export interface NewDelivery { id: string; webhookId: string; event: string; payload: string }

const T = '"_webhookDeliveries"';

export class DeliveryRepo {
  constructor(private readonly store: Store) {}

  private get p() {
    return this.store.dialect.placeholder;
  }

  /** Inside the record's transaction (`db` is that transaction). */
  async enqueue(db: Executor, rows: NewDelivery[], now = Date.now()): Promise<void> {
    const p = this.p;
    const sql = `INSERT INTO ${T} ("id", "webhookId", "event", "payload", "status", "attempts", "nextAttempt", "log", "created", "updated") ` +
      `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, 'pending', 0, ${p(5)}, '[]', ${p(6)}, ${p(7)})`;
    for (const r of rows) await db.run(sql, [r.id, r.webhookId, r.event, r.payload, now, now, now]);
  }

  /** Takes up to `limit` due rows of enabled webhooks for `leaseMs`. */
  async claim(limit: number, leaseMs: number, now = Date.now()): Promise<DeliveryRow[]> {
    const p = this.p;
    const pg = this.store.dialect.name === 'postgres';
    const token = randomBytes(9).toString('base64url');
    const sql = `UPDATE ${T} SET "claim" = ${p(1)}, "nextAttempt" = ${p(2)} WHERE "id" IN (` +
      `SELECT d."id" FROM ${T} d JOIN "_webhooks" w ON w."id" = d."webhookId" ` +
      `WHERE d."status" = 'pending' AND d."nextAttempt" <= ${p(3)} AND w."enabled" = 1 ORDER BY d."nextAttempt", d."created" LIMIT ${p(4)}` +
      `${pg ? ' FOR UPDATE OF d SKIP LOCKED' : ''}) RETURNING *`;
    // RETURNING does not keep the subquery's order.
    // A transaction: on SQLite the writer connection (RETURNING rows come from a write).
    const rows = await this.store.transaction((tx) => tx.all(sql, [token, now + leaseMs, now, limit]));
    return rows.map(deliveryFromRow).sort((a, b) => a.created - b.created);
  }

  /** Records an attempt; false when the claim was lost (lease expired and taken over). */
  async finish(d: DeliveryRow, next: Pick<DeliveryRow, 'status' | 'attempts' | 'nextAttempt' | 'lastStatus' | 'lastError' | 'log'>): Promise<boolean> {
    const p = this.p;
    const changed = await this.store.run(
      `UPDATE ${T} SET "status" = ${p(1)}, "attempts" = ${p(2)}, "nextAttempt" = ${p(3)}, "lastStatus" = ${p(4)}, "lastError" = ${p(5)}, ` +
        `"log" = ${p(6)}, "updated" = ${p(7)}, "claim" = NULL WHERE "id" = ${p(8)} AND "claim" = ${p(9)}`,
      [next.status, next.attempts, next.nextAttempt, next.lastStatus, next.lastError, JSON.stringify(next.log), Date.now(), d.id, d.claim],
    );
    return changed === 1;
  }

  /** Newest first. */
  async page(webhookId: string, page: number, perPage: number): Promise<{ total: number; items: DeliveryRow[] }> {
    const p = this.p;
    const count = await this.store.get(`SELECT COUNT(*) AS "n" FROM ${T} WHERE "webhookId" = ${p(1)}`, [webhookId]);
    const rows = await this.store.all(
      `SELECT * FROM ${T} WHERE "webhookId" = ${p(1)} ORDER BY "created" DESC, "id" DESC LIMIT ${p(2)} OFFSET ${p(3)}`,
      [webhookId, perPage, (page - 1) * perPage],
    );
    return { total: Number(count?.n ?? 0), items: rows.map(deliveryFromRow) };
  }

  async byId(webhookId: string, id: string): Promise<DeliveryRow | undefined> {
    const row = await this.store.get(`SELECT * FROM ${T} WHERE "id" = ${this.p(1)} AND "webhookId" = ${this.p(2)}`, [id, webhookId]);
    return row ? deliveryFromRow(row) : undefined;
  }

  /** Due again now (one more attempt for a failed delivery); not while an attempt is in flight. */
  async retry(webhookId: string, id: string, now = Date.now()): Promise<boolean> {
    const p = this.p;
    return (await this.store.run(
      `UPDATE ${T} SET "status" = 'pending', "nextAttempt" = ${p(1)}, "updated" = ${p(2)} WHERE "id" = ${p(3)} AND "webhookId" = ${p(4)} AND "claim" IS NULL`,
      [now, now, id, webhookId],
    )) === 1;
  }

  /** Forgets finished deliveries: succeeded ones older than `succeededBefore`, failed ones older than `failedBefore`. */
  prune(succeededBefore: number, failedBefore: number): Promise<number> {
    const p = this.p;
    return this.store.run(
      `DELETE FROM ${T} WHERE ("status" = 'succeeded' AND "updated" < ${p(1)}) OR ("status" = 'failed' AND "updated" < ${p(2)})`,
      [succeededBefore, failedBefore],
    );
  }
}
