/**
 * The cron jobs of one Galley instance (API spec 8.5): registration, listing, manual
 * runs, and scheduling with croner. A scheduled run happens once per cluster (the
 * slot is claimed in `_cronRuns`, see cron-lease.ts); a manual run happens on the
 * instance asked. A job never overlaps with itself on one instance, and a failure is
 * logged, never thrown, so the next run still happens.
 */
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import type { Store } from '../store/store.js';
import { redactUrl } from '../config.js';
import { CronLease } from './cron-lease.js';
import { CRON_TIMEZONE, checkJobId, isInternalJob, parseExpression, type CronFn, type CronJob } from './cron-job.js';
import { log } from '../logs/logger.js';

/** How long stop() waits for running jobs before giving up on them. */
const STOP_WAIT_MS = 5_000;

interface Entry extends CronJob {
  /** The paused parse of the expression (for finding a firing's slot). */
  readonly pattern: Cron;
  timer?: Cron;
}

export class CronService {
  private readonly jobs = new Map<string, Entry>();
  /** Runs in progress by job id (kept across a re-registration, so the new job does not overlap the old). */
  private readonly running = new Map<string, Promise<void>>();
  private started = false;
  /** Where failures go (an embedding program or a test may replace it). */
  log: (message: string) => void = (message) => log.error(message);
  readonly instanceId = randomBytes(6).toString('hex');
  /** Told of every run on this instance and whether it succeeded (metrics). */
  onRun: ((job: string, ok: boolean) => void) | undefined;
  private readonly lease: CronLease;

  constructor(store: Store) {
    this.lease = new CronLease(store, this.instanceId);
  }

  /** Adds a job, or replaces the job with the same id; throws a 400 ApiError for a bad id or expression. */
  register(id: string, expression: string, fn: CronFn): void {
    checkJobId(id);
    const pattern = parseExpression(expression);
    if (typeof fn !== 'function') throw new TypeError(`cron job "${id}": fn must be a function`);
    const old = this.jobs.get(id);
    old?.timer?.stop();
    const entry: Entry = { id, expression: expression.trim(), fn, pattern };
    this.jobs.set(id, entry); // a replaced id keeps its place in the list
    if (this.started) this.schedule(entry);
  }

  /** Removes a job (a run in progress finishes); false when there was none. */
  unregister(id: string): boolean {
    const entry = this.jobs.get(id);
    entry?.timer?.stop();
    return this.jobs.delete(id);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** User jobs first, in registration order, then the built-in ones. */
  list(): { id: string; expression: string }[] {
    const all = [...this.jobs.values()].map(({ id, expression }) => ({ id, expression }));
    return [...all.filter((j) => !isInternalJob(j.id)), ...all.filter((j) => isInternalJob(j.id))];
  }

  /**
   * Runs a job now on this instance, without claiming a slot. Resolves when the run is
   * over (callers that answer at once do not wait); false for an unknown id. A job that
   * is already running is not started a second time.
   */
  run(id: string): Promise<boolean> {
    const entry = this.jobs.get(id);
    if (!entry) return Promise.resolve(false);
    return this.execute(entry, null, false).then(() => true);
  }

  /** Creates the runs table and schedules every job; jobs registered later are scheduled as they come. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.lease.ensureTable();
    this.started = true;
    for (const entry of this.jobs.values()) this.schedule(entry);
  }

  /** Stops scheduling and waits (at most STOP_WAIT_MS) for runs in progress. */
  async stop(waitMs = STOP_WAIT_MS): Promise<void> {
    this.started = false;
    for (const entry of this.jobs.values()) {
      entry.timer?.stop();
      entry.timer = undefined;
    }
    const running = [...this.running.values()];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); });
    await Promise.race([Promise.all(running), timeout]);
    clearTimeout(timer);
  }

  /** The internals needed by the built-in job that prunes `_cronRuns`. */
  pruneRuns(): Promise<number> {
    return this.lease.prune();
  }

  private schedule(entry: Entry): void {
    entry.timer?.stop();
    // unref: a pending timer alone must not keep a process (or a test run) alive.
    entry.timer = new Cron(entry.expression, { ...CRON_TIMEZONE, mode: '5-or-6-parts', unref: true }, () => {
      this.fire(entry);
    });
  }

  /** A timer fired: find the slot it is for, claim it, run. A busy job leaves the slot to other instances. */
  private fire(entry: Entry): void {
    if (!this.started || this.jobs.get(entry.id) !== entry || this.running.has(entry.id)) return;
    // The latest scheduled time not after now: the slot croner fired for (or a later one if it fired very late).
    const slot = entry.pattern.previousRuns(1, new Date(Date.now() + 1))[0];
    if (slot) void this.execute(entry, slot, true);
  }

  private execute(entry: Entry, slot: Date | null, claim: boolean): Promise<void> {
    const busy = this.running.get(entry.id);
    if (busy) return busy;
    const run = (async () => {
      if (claim && slot && !(await this.claim(entry.id, slot))) return;
      try {
        await entry.fn({ scheduledAt: slot });
        this.onRun?.(entry.id, true);
      } catch (err) {
        this.onRun?.(entry.id, false);
        this.log(`cron job "${entry.id}" failed: ${describe(err)}`);
      }
    })().finally(() => {
      if (this.running.get(entry.id) === run) this.running.delete(entry.id);
    });
    this.running.set(entry.id, run);
    return run;
  }

  private async claim(id: string, slot: Date): Promise<boolean> {
    try {
      return await this.lease.claim(id, slot);
    } catch (err) {
      this.log(`cron job "${id}" skipped: cannot claim its run (${describe(err)})`);
      return false;
    }
  }
}

/** An error for the log: its message (with any database URL password masked) and where it was thrown. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return redactUrls(String(err));
  const where = err.stack?.split('\n').slice(1, 4).map((l) => l.trim()).join(' | ');
  return `${redactUrls(err.message)}${where ? ` (${where})` : ''}`;
}

const redactUrls = (text: string) => text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s/@]+@[^\s]+/gi, (url) => redactUrl(url));
