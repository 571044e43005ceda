/**
 * One cron job's definition: a validated id, a parsed expression, the function.
 * Expressions are read by croner in UTC (5 fields, or 6 with seconds first), so every
 * instance of a cluster computes the same scheduled times whatever its local zone.
 */
import { Cron } from 'croner';
import { badRequest, fieldError } from '../core/errors.js';

/** What a job is told about its run. */
export interface CronRunInfo {
  /** The scheduled time this run is for; null for a manual run. */
  scheduledAt: Date | null;
}

export type CronFn = (run: CronRunInfo) => Promise<void> | void;

/** Ids appear in URLs (`POST /api/crons/{id}`) and logs: a conservative alphabet. */
const ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** The built-in jobs (PocketBase's `__pb…__`, Galley's `__galley…__`), listed after user jobs. */
const INTERNAL_ID = /^__.+__$/;
const MAX_EXPRESSION = 200;

/**
 * UTC as a fixed offset rather than the zone 'Etc/UTC': the same times, without croner
 * building an Intl.DateTimeFormat (ICU's zone data) at start for every job.
 */
export const CRON_TIMEZONE = { utcOffset: 0 } as const;

export const isInternalJob = (id: string) => INTERNAL_ID.test(id);

/** A 400 ApiError (it is an Error too, for callers registering jobs from code). */
function invalid(field: 'id' | 'expression', message: string) {
  const detail = message[0]!.toUpperCase() + message.slice(1);
  return badRequest(`Invalid cron job ${field}: ${message}`, { [field]: fieldError(`validation_invalid_${field}`, detail) });
}

export function checkJobId(id: unknown): string {
  if (typeof id !== 'string' || !ID.test(id))
    throw invalid('id', 'the id must be 1-100 characters of letters, digits, "_", "-" or ".".');
  return id;
}

/** Parses the expression without scheduling anything; throws a 400 for a bad one. */
export function parseExpression(expression: unknown): Cron {
  if (typeof expression !== 'string' || expression.trim() === '' || expression.length > MAX_EXPRESSION)
    throw invalid('expression', 'the expression must be a non-empty cron expression.');
  const fields = expression.trim().split(/\s+/);
  // croner also takes 7 fields (years) and dates; PocketBase's 5 fields, plus seconds, are enough.
  if (!expression.trim().startsWith('@') && fields.length !== 5 && fields.length !== 6)
    throw invalid('expression', 'a cron expression has 5 fields (minute hour day month weekday), or 6 with seconds first.');
  try {
    const cron = new Cron(expression.trim(), { paused: true, ...CRON_TIMEZONE, mode: '5-or-6-parts' });
    if (cron.nextRun() === null) throw new Error('it never runs');
    return cron;
  } catch (err) {
    throw invalid('expression', `"${expression}" is not a valid cron expression (${(err as Error).message.replace(/^CronPattern: /, '')}).`);
  }
}

export interface CronJob {
  readonly id: string;
  readonly expression: string;
  readonly fn: CronFn;
}
