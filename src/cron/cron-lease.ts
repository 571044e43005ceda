/**
 * Once per cluster: the `_cronRuns` table holds one row per (job, scheduled time).
 * Every instance whose timer fires for a slot tries to insert that row; the unique key
 * lets exactly one insert succeed, and only that instance runs the job. The key is the
 * scheduled time computed from the expression (in UTC), not the instance's clock at
 * firing, so clock skew between instances only changes who wins, and a slow run cannot
 * expire and be taken over (there is no lease timeout). Rows are pruned by a built-in job.
 * SQLite uses the same table: one instance always wins, and the runs stay inspectable.
 */
import type { Store } from '../store/store.js';

/** How long claimed slots are kept: far beyond any clock skew between instances. */
export const KEEP_RUNS_MS = 60 * 60 * 1000;

export class CronLease {
  private ready: Promise<void> | undefined;

  constructor(private readonly store: Store, private readonly instanceId: string) {}

  /** Creates the table once (tolerating another instance creating it at the same moment). */
  ensureTable(): Promise<void> {
    this.ready ??= this.createTable().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async createTable(): Promise<void> {
    const [text, ms] = this.store.dialect.name === 'sqlite' ? ['TEXT', 'INTEGER'] : ['text', 'bigint'];
    const ddl = `CREATE TABLE IF NOT EXISTS "_cronRuns" ("job" ${text} NOT NULL, "slot" ${ms} NOT NULL, ` +
      `"instance" ${text} NOT NULL, "started" ${ms} NOT NULL, PRIMARY KEY ("job", "slot"))`;
    try {
      await this.store.exec(ddl);
    } catch (err) {
      // PostgreSQL's IF NOT EXISTS is not atomic: a concurrent creator makes it fail once.
      await this.store.exec(ddl).catch(() => { throw err; });
    }
  }

  /** True when this instance won the slot and must run it. */
  async claim(jobId: string, slot: Date): Promise<boolean> {
    await this.ensureTable();
    const p = this.store.dialect.placeholder;
    const inserted = await this.store.run(
      `INSERT INTO "_cronRuns" ("job", "slot", "instance", "started") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) ON CONFLICT DO NOTHING`,
      [jobId, slot.getTime(), this.instanceId, Date.now()],
    );
    return inserted === 1;
  }

  /** Forgets slots older than KEEP_RUNS_MS; returns how many rows went. */
  async prune(now = Date.now()): Promise<number> {
    await this.ensureTable();
    return this.store.run(`DELETE FROM "_cronRuns" WHERE "slot" < ${this.store.dialect.placeholder(1)}`, [now - KEEP_RUNS_MS]);
  }
}
