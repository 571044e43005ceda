/**
 * The logs of one Galley instance: its store (SQLite file or PostgreSQL table), the
 * batching writer, the `logs` settings gate (`maxDays` 0: nothing is kept; lines
 * below `minLevel` are dropped), the logger that hooks get as `app.logger`, and the
 * `__pbLogsCleanup__` job that prunes by `maxDays` once per cluster.
 */
import type { SettingsService } from '../core/settings/settings-service.js';
import type { LogsSettings } from '../core/settings/logs-settings.js';
import type { CronService } from '../cron/cron-service.js';
import type { LogStore } from './log-store.js';
import { LogWriter } from './log-writer.js';
import type { RequestLogFields } from './log-batch.js';
import { log, Logger, type LogAttrs, type LogSink } from './logger.js';

export const LOGS_CLEANUP_JOB = { id: '__pbLogsCleanup__', expression: '0 */6 * * *' } as const;

const DAY_MS = 86_400_000;

export class LogService implements LogSink {
  private readonly writer: LogWriter;
  /** Lines to stdout and, by the settings, to this instance's log store. */
  readonly logger: Logger;

  constructor(readonly store: LogStore, private readonly settings: SettingsService, crons: CronService) {
    this.writer = new LogWriter(store, {
      maxDataSize: () => this.settings.current().logs.maxDataSize,
      // Straight to stdout: a failing store must not be asked to store its own failures.
      report: (message) => log.warn(message),
    });
    this.logger = new Logger(this);
    crons.register(LOGS_CLEANUP_JOB.id, LOGS_CLEANUP_JOB.expression, async () => { await this.prune(); });
  }

  init(): Promise<void> {
    return this.store.init();
  }

  /** The `logs` settings when logs are kept (maxDays > 0), else undefined: the request logger's one check. */
  active(): LogsSettings | undefined {
    const logs = this.settings.current().logs;
    return logs.maxDays > 0 ? logs : undefined;
  }

  accepts(level: number): boolean {
    const logs = this.settings.current().logs;
    return logs.maxDays > 0 && level >= logs.minLevel;
  }

  /** data: attributes, or their JSON text; sizeHint: an upper bound of the attributes' JSON length, when the caller knows it cheaply (see limitData). */
  add(level: number, message: string, data: LogAttrs | string, sizeHint?: number): void {
    this.writer.push({ level, message, data, time: Date.now(), sizeHint });
  }

  /** A finished request's log from its fields (the request log's fast path). */
  addRequest(fields: RequestLogFields): void {
    this.writer.pushRequest(fields);
  }

  /** Logs waiting to be written (metrics). */
  get waiting(): number {
    return this.writer.waiting;
  }

  /** Writes what is waiting (tests, shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Deletes logs older than `maxDays` (all of them when logging is off). */
  async prune(now = Date.now()): Promise<number> {
    const { maxDays } = (await this.settings.refresh()).logs;
    const cutoff = new Date(now - maxDays * DAY_MS).toISOString().replace('T', ' ');
    return this.store.deleteBefore(cutoff);
  }

  async truncate(): Promise<void> {
    await this.writer.flush(); // what is waiting would otherwise reappear after the truncate
    await this.store.truncate();
  }

  /** Writes what is waiting, then closes the store. */
  async close(): Promise<void> {
    await this.writer.flush();
    await this.store.close();
  }
}
